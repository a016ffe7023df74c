import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { startSessions, type SessionsHarness } from './harness';
import { admin, events, seedCommunity } from './fixtures';

let h: SessionsHarness;
beforeAll(async () => {
  h = await startSessions();
});
afterAll(() => h?.stop());

const PROPOSE = `mutation($i: ProposeTopicInput!) { proposeTopic(input: $i) { id title description category source status proposedAt decidedAt decisionNote community { id } session { id } } }`;
const DECIDE = `mutation($id: ID!, $d: TopicStatus!, $note: String) { decideTopic(id: $id, decision: $d, note: $note) { id status decidedAt decisionNote } }`;
const GET = `query($id: ID!) { topicProposal(id: $id) { status decidedAt decisionNote } }`;
const LIST = `query($id: ID!, $status: TopicStatus, $first: Int, $after: String) { community(id: $id) { topicProposals(status: $status, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { title status } } } } }`;

const topic = (communityId: string, title = '电动车充电难') => ({ communityId, title, description: '宋城美域居民无处充电', category: 'TRAFFIC_PARKING', source: 'DOOR_TO_DOOR_VISIT' });

describe('topic proposals', () => {
  it('a RESIDENT or STAFF proposes; it reads back by id and on the community; an event is written', async () => {
    const c = await seedCommunity(h);
    const resident = viewer(['RESIDENT']);
    const t = ok(await h.request(PROPOSE, { i: topic(c.id) }, resident)).proposeTopic;
    expect(t).toMatchObject({ title: '电动车充电难', category: 'TRAFFIC_PARKING', source: 'DOOR_TO_DOOR_VISIT', status: 'PROPOSED', decidedAt: null, community: { id: c.id }, session: null });
    const t2 = ok(await h.request(PROPOSE, { i: { ...topic(c.id, '下水道老化'), description: '  ' } }, c.staff)).proposeTopic;
    expect(t2.description).toBeNull();
    expect(ok(await h.request(`query($id: ID!) { topicProposal(id: $id) { title community { name } } }`, { id: t.id })).topicProposal).toEqual({ title: '电动车充电难', community: { name: c.name } });
    const evs = await events(h, c.id);
    expect(evs.map((e) => [e.kind, e.topic_id, e.session_id])).toEqual([
      ['TOPIC_PROPOSED', t.id, null],
      ['TOPIC_PROPOSED', t2.id, null],
    ]);
    expect(evs[0]!.actor).toBe(resident.id);
  });

  it('pages topics newest first with totalCount, filtered by status', async () => {
    const c = await seedCommunity(h);
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(ok(await h.request(PROPOSE, { i: topic(c.id, `t${i}`) }, c.staff)).proposeTopic.id);
    ok(await h.request(DECIDE, { id: ids[1], d: 'DECLINED' }, c.staff));
    // Topics proposed within one millisecond tie on proposedAt and fall back to id order, so the
    // pages are checked against the whole list rather than against creation order.
    const all = ok(await h.request(LIST, { id: c.id, first: 100 })).community.topicProposals.edges.map((e: any) => e.node.title);
    expect([...all].sort()).toEqual(['t0', 't1', 't2', 't3', 't4']);
    const p1 = ok(await h.request(LIST, { id: c.id, first: 3 })).community.topicProposals;
    expect(p1).toMatchObject({ totalCount: 5, pageInfo: { hasNextPage: true } });
    const p2 = ok(await h.request(LIST, { id: c.id, first: 3, after: p1.pageInfo.endCursor })).community.topicProposals;
    expect(p2.pageInfo.hasNextPage).toBe(false);
    expect([...p1.edges, ...p2.edges].map((e: any) => e.node.title)).toEqual(all);
    const proposed = ok(await h.request(LIST, { id: c.id, status: 'PROPOSED' })).community.topicProposals;
    expect(proposed.totalCount).toBe(4);
    expect(proposed.edges.map((e: any) => e.node.title)).toEqual(all.filter((t: string) => t !== 't1'));
    expect(errorOf(await h.request(LIST, { id: c.id, first: 101 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
  });

  it('decides PROPOSED or DEFERRED topics; any other move is CONFLICT and changes nothing', async () => {
    const c = await seedCommunity(h);
    const id = ok(await h.request(PROPOSE, { i: topic(c.id) }, c.staff)).proposeTopic.id;
    const deferred = ok(await h.request(DECIDE, { id, d: 'DEFERRED', note: '下月再议' }, c.staff)).decideTopic;
    expect(deferred).toMatchObject({ status: 'DEFERRED', decisionNote: '下月再议' });
    expect(deferred.decidedAt).toEqual(expect.any(String));
    const selected = ok(await h.request(DECIDE, { id, d: 'SELECTED' }, c.staff)).decideTopic;
    expect(selected).toMatchObject({ status: 'SELECTED', decisionNote: null });
    const before = ok(await h.request(GET, { id })).topicProposal;
    for (const d of ['SELECTED', 'DEFERRED', 'DECLINED', 'PROPOSED']) {
      expect(errorOf(await h.request(DECIDE, { id, d }, c.staff))).toMatchObject({ code: 'CONFLICT', from: 'SELECTED', to: d });
    }
    expect(ok(await h.request(GET, { id })).topicProposal).toEqual(before);
    const fresh = ok(await h.request(PROPOSE, { i: topic(c.id) }, c.staff)).proposeTopic.id;
    expect(errorOf(await h.request(DECIDE, { id: fresh, d: 'PROPOSED' }, c.staff))).toMatchObject({ code: 'CONFLICT', from: 'PROPOSED', to: 'PROPOSED' });
    ok(await h.request(DECIDE, { id: fresh, d: 'DECLINED' }, c.staff));
    expect(errorOf(await h.request(DECIDE, { id: fresh, d: 'SELECTED' }, c.staff))).toMatchObject({ code: 'CONFLICT', from: 'DECLINED', to: 'SELECTED' });
    expect((await events(h, c.id)).map((e) => e.kind)).toEqual(['TOPIC_PROPOSED', 'TOPIC_DECIDED', 'TOPIC_DECIDED', 'TOPIC_PROPOSED', 'TOPIC_DECIDED']);
  });

  it('refuses wrong roles and bad input, writing nothing', async () => {
    const c = await seedCommunity(h);
    const other = await seedCommunity(h);
    expect(errorOf(await h.request(PROPOSE, { i: topic(c.id) })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(PROPOSE, { i: topic(c.id) }, other.staff)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(PROPOSE, { i: topic(c.id) }, viewer(['ANALYST']))).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(PROPOSE, { i: { ...topic(c.id), title: '题'.repeat(101) } }, c.staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.title' });
    expect(errorOf(await h.request(PROPOSE, { i: { ...topic(c.id), description: '长'.repeat(5001) } }, c.staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.description' });
    expect(errorOf(await h.request(PROPOSE, { i: topic('00000000-0000-0000-0000-000000000000') }, admin))).toMatchObject({ code: 'NOT_FOUND', field: 'input.communityId' });
    expect(ok(await h.request(LIST, { id: c.id })).community.topicProposals.totalCount).toBe(0);

    const id = ok(await h.request(PROPOSE, { i: topic(c.id) }, c.staff)).proposeTopic.id;
    expect(errorOf(await h.request(DECIDE, { id, d: 'SELECTED' })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(DECIDE, { id, d: 'SELECTED' }, other.staff)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(DECIDE, { id, d: 'SELECTED' }, viewer(['RESIDENT'], [c.id]))).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(DECIDE, { id, d: 'SELECTED', note: '注'.repeat(1001) }, c.staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'note' });
    expect(errorOf(await h.request(DECIDE, { id: '00000000-0000-0000-0000-000000000000', d: 'SELECTED' }, admin))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(ok(await h.request(GET, { id })).topicProposal.status).toBe('PROPOSED');
    expect((await events(h, c.id)).map((e) => e.kind)).toEqual(['TOPIC_PROPOSED']);
    // ADMIN decides anywhere.
    expect(ok(await h.request(DECIDE, { id, d: 'SELECTED' }, admin)).decideTopic.status).toBe('SELECTED');
  });
});
