import { ok } from '@plaza/shared/testing';
import { startSessions, type SessionsHarness } from './harness';

let h: SessionsHarness;
beforeAll(async () => {
  h = await startSessions();
});
afterAll(() => h?.stop());

/** n communities, each with 2 grids, 3 topics and 7 sessions (more than a page of 5), straight in SQL. */
async function seed(n: number, offset: number) {
  await h.dataSource.query(
    `WITH c AS (
       INSERT INTO sessions.community (name, subdistrict) SELECT '社区' || g, '街道' FROM generate_series($1::int, $2::int) g RETURNING id
     ), gr AS (
       INSERT INTO sessions.grid (community_id, name) SELECT c.id, '网格' || k FROM c, generate_series(1, 2) k
     ), t AS (
       INSERT INTO sessions.topic_proposal (community_id, title, category, source)
       SELECT c.id, '议题' || k, 'SAFETY', 'COMMITTEE' FROM c, generate_series(1, 3) k RETURNING id, community_id
     )
     INSERT INTO sessions.session (community_id, title, theme_id, venue, host, scheduled_at)
     SELECT t.community_id, '夜话', CASE WHEN k % 2 = 0 THEN t.id END, '广场', '主持', now() - k * interval '1 day'
     FROM t, generate_series(1, 3) k WHERE t.id IS NOT NULL`,
    [offset + 1, offset + n],
  );
}

async function statements(query: string, variables: Record<string, unknown> = {}) {
  h.counter.reset();
  const data = ok(await h.request(query, variables));
  return { count: h.counter.count, data };
}

const LIST = `{ communities { grids { name } sessions(first: 5) { totalCount edges { node { title theme { title } } } } } }`;
const EVERYTHING = `{ communities { id
  topicProposals(first: 2) { totalCount edges { node { title session { id } community { name } } } }
  visits(first: 2) { totalCount edges { node { visitor grid { name } } } }
  sessions(first: 5) { totalCount edges { node { title community { name } theme { title session { title } } attendance { total } } } } } }`;

describe('statement counts do not grow with the number of rows', () => {
  it('communities with grids and their first sessions and themes: same for 5 as for 30', async () => {
    await seed(5, 0);
    const five = await statements(LIST);
    expect(five.data.communities).toHaveLength(5);
    expect(five.data.communities[0].sessions.totalCount).toBe(9);
    expect(five.data.communities[0].sessions.edges).toHaveLength(5);
    expect(five.data.communities[0].sessions.edges.some((e: any) => e.node.theme)).toBe(true);
    const fiveAll = await statements(EVERYTHING);

    await seed(25, 5);
    const thirty = await statements(LIST);
    expect(thirty.data.communities).toHaveLength(30);
    expect(thirty.count).toBe(five.count);
    // communities, grids, ranked session ids with their totals, session rows, themes.
    expect(five.count).toBe(5);
    expect((await statements(EVERYTHING)).count).toBe(fiveAll.count);
  });

  it('entity references are batched: one statement per type whatever the number of keys', async () => {
    const rows: { id: string }[] = await h.dataSource.query(`SELECT id FROM sessions.session LIMIT 30`);
    const topics: { id: string }[] = await h.dataSource.query(`SELECT id FROM sessions.topic_proposal LIMIT 30`);
    const Q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Session { title } ... on TopicProposal { title } } }`;
    const reps = (n: number) => [...rows.slice(0, n).map((r) => ({ __typename: 'Session', id: r.id })), ...topics.slice(0, n).map((t) => ({ __typename: 'TopicProposal', id: t.id }))];
    const few = await statements(Q, { r: reps(2) });
    const many = await statements(Q, { r: reps(30) });
    expect(many.data._entities).toHaveLength(60);
    expect(many.count).toBe(few.count);
    expect(many.count).toBe(2);
  });

  it('pages of many parents: totals exact on a first page (read beside the rows) and after a cursor, a parent with nothing 0', async () => {
    await h.dataSource.query(`INSERT INTO sessions.community (name, subdistrict) VALUES ('空社区', '街道')`);
    const Q = `query($after: String) { communities { id sessions(first: 2, after: $after) { totalCount edges { cursor node { id } } } } }`;
    const expected = new Map<string, number>(
      (await h.dataSource.query(`SELECT c.id AS c, count(s.id)::int AS n FROM sessions.community c LEFT JOIN sessions.session s ON s.community_id = c.id GROUP BY 1`)).map(
        (r: { c: string; n: number }) => [r.c, r.n],
      ),
    );
    expect([...expected.values()]).toContain(0);
    const firstPage = await statements(Q);
    expect(firstPage.data.communities).toHaveLength(expected.size);
    for (const c of firstPage.data.communities) expect(c.sessions.totalCount).toBe(expected.get(c.id));
    const after = firstPage.data.communities.find((c: any) => c.sessions.edges.length === 2).sessions.edges[1].cursor;
    const later = await statements(Q, { after });
    expect(later.count).toBe(firstPage.count + 1);
    for (const c of later.data.communities) expect(c.sessions.totalCount).toBe(expected.get(c.id));
  });

  it('a first page reads its rows and its total in one statement; a page after a cursor in two; totals exact either way', async () => {
    const Q = `query($c: ID, $first: Int, $after: String) { sessions(communityId: $c, first: $first, after: $after) { totalCount edges { node { id } } pageInfo { hasNextPage endCursor } } }`;
    const [{ c, n: total }] = await h.dataSource.query(`SELECT community_id AS c, count(*)::int AS n FROM sessions.session GROUP BY 1 ORDER BY 2 DESC LIMIT 1`);
    expect(total).toBeGreaterThan(6);
    const first = await statements(Q, { c, first: 3 });
    expect(first.count).toBe(1);
    expect(first.data.sessions).toMatchObject({ totalCount: total, pageInfo: { hasNextPage: true } });
    expect(first.data.sessions.edges).toHaveLength(3);
    const next = await statements(Q, { c, first: 3, after: first.data.sessions.pageInfo.endCursor });
    expect(next.count).toBe(2);
    expect(next.data.sessions.totalCount).toBe(total);
    const all = await statements(Q, { c, first: total + 5 });
    expect(all.data.sessions).toMatchObject({ totalCount: total, pageInfo: { hasNextPage: false } });
    expect(all.data.sessions.edges).toHaveLength(total);
    const none = await statements(`{ sessions(communityId: "00000000-0000-0000-0000-000000000000", first: 3) { totalCount edges { node { id } } } }`);
    expect(none.count).toBe(1);
    expect(none.data.sessions).toEqual({ totalCount: 0, edges: [] });
  });
});
