import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { startSessions, type SessionsHarness } from './harness';
import { admin, events, seedCommunity } from './fixtures';

let h: SessionsHarness;
beforeAll(async () => {
  h = await startSessions();
});
afterAll(() => h?.stop());

const RECORD = `mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id visitedAt visitor householdsVisited opinions community { id } grid { name } } }`;
const LIST = `query($id: ID!, $first: Int, $after: String) { community(id: $id) { visits(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { visitor householdsVisited } } } } }`;

describe('visits', () => {
  it('STAFF records a visit; it is read back on the community, newest first, page by page', async () => {
    const c = await seedCommunity(h);
    const grid = ok(await h.request(`mutation($c: ID!) { addGrid(communityId: $c, name: "一网格") { id } }`, { c: c.id }, admin)).addGrid;
    const first = ok(
      await h.request(
        RECORD,
        { i: { communityId: c.id, gridId: grid.id, visitedAt: '2026-05-01T19:30:00+08:00', visitor: ' 李书记 ', householdsVisited: 12, opinions: ['充电难', ' ', '路灯坏了'] } },
        c.staff,
      ),
    ).recordVisit;
    expect(first).toMatchObject({
      visitedAt: '2026-05-01T11:30:00.000Z',
      visitor: '李书记',
      householdsVisited: 12,
      opinions: ['充电难', '路灯坏了'],
      community: { id: c.id },
      grid: { name: '一网格' },
    });
    for (let i = 0; i < 4; i++) {
      ok(await h.request(RECORD, { i: { communityId: c.id, visitedAt: `2026-05-0${2 + i}T10:00:00Z`, visitor: `v${i}`, householdsVisited: i, opinions: [] } }, c.staff));
    }
    const p1 = ok(await h.request(LIST, { id: c.id, first: 2 })).community.visits;
    expect(p1.totalCount).toBe(5);
    expect(p1.pageInfo.hasNextPage).toBe(true);
    expect(p1.edges.map((e: any) => e.node.visitor)).toEqual(['v3', 'v2']);
    const p2 = ok(await h.request(LIST, { id: c.id, first: 2, after: p1.pageInfo.endCursor })).community.visits;
    expect(p2.edges.map((e: any) => e.node.visitor)).toEqual(['v1', 'v0']);
    const p3 = ok(await h.request(LIST, { id: c.id, first: 2, after: p2.pageInfo.endCursor })).community.visits;
    expect(p3.edges.map((e: any) => e.node.visitor)).toEqual(['李书记']);
    expect(p3.pageInfo.hasNextPage).toBe(false);
    // A visit changes no session or topic.
    expect(await events(h, c.id)).toEqual([]);
  });

  it('refuses bad input, wrong roles and foreign grids, writing nothing', async () => {
    const c = await seedCommunity(h);
    const other = await seedCommunity(h);
    const foreignGrid = ok(await h.request(`mutation($c: ID!) { addGrid(communityId: $c, name: "外网格") { id } }`, { c: other.id }, admin)).addGrid;
    const good = { communityId: c.id, visitor: '王芳', householdsVisited: 3, opinions: ['x'] };
    expect(errorOf(await h.request(RECORD, { i: good })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(RECORD, { i: good }, other.staff)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(RECORD, { i: good }, viewer(['RESIDENT'], [c.id]))).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(RECORD, { i: { ...good, householdsVisited: -1 } }, c.staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.householdsVisited' });
    expect(errorOf(await h.request(RECORD, { i: { ...good, visitor: '' } }, c.staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.visitor' });
    expect(errorOf(await h.request(RECORD, { i: { ...good, visitor: '长'.repeat(51) } }, c.staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.visitor' });
    expect(errorOf(await h.request(RECORD, { i: { ...good, gridId: foreignGrid.id } }, c.staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.gridId' });
    expect(errorOf(await h.request(RECORD, { i: { ...good, gridId: '00000000-0000-0000-0000-000000000000' } }, c.staff))).toMatchObject({ code: 'NOT_FOUND', field: 'input.gridId' });
    const ghost = '00000000-0000-0000-0000-000000000001';
    expect(errorOf(await h.request(RECORD, { i: { ...good, communityId: ghost } }, admin))).toMatchObject({ code: 'NOT_FOUND', field: 'input.communityId' });
    expect(ok(await h.request(LIST, { id: c.id })).community.visits.totalCount).toBe(0);
    expect(errorOf(await h.request(LIST, { id: c.id, first: 101 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await h.request(LIST, { id: c.id, after: 'garbage' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });
});
