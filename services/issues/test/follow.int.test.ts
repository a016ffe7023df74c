import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { RAISE, startIssues, type IssuesHarness } from './harness';

/* Residents follow requests (issue 14): raised or supported ones by themselves, others on request. */
let h: IssuesHarness;
let a: string;
let staff: ReturnType<typeof viewer>;
const alice = viewer(['RESIDENT'], [], 'resident-alice');
const bob = viewer(['RESIDENT'], [], 'resident-bob');

const raise = async (title: string, as = alice) =>
  ok(await h.request(RAISE, { input: { communityId: a, title, description: '测试', category: 'OTHER', reporterContact: `139${title.length}0000000` } }, as)).raiseIssue.id as string;
const FOLLOWING = `query($first: Int, $after: String) { me { id following(first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { id title reporterContact } } } } }`;
const following = async (as: ReturnType<typeof viewer>, first = 20, after: string | null = null) => ok(await h.request(FOLLOWING, { first, after }, as)).me.following;
const titles = (page: any) => page.edges.map((e: any) => e.node.title);
const FOLLOW = `mutation($id: ID!) { followIssue(issueId: $id) { id } }`;
const UNFOLLOW = `mutation($id: ID!) { unfollowIssue(issueId: $id) { id } }`;

beforeAll(async () => {
  h = await startIssues();
  a = await h.createCommunity('方井社区', '三里河街道');
  staff = viewer(['STAFF'], [a], 'staff-a');
});
afterAll(() => h?.stop());

describe('follows', () => {
  let mine: string;
  let bobs: string;
  let other: string;

  it('follows what a resident raises and supports, not what staff raise', async () => {
    mine = await raise('甲 楼道灯坏了');
    bobs = await raise('乙 垃圾清运', bob);
    other = await raise('丙 停车位', staff);
    expect(titles(await following(alice))).toEqual(['甲 楼道灯坏了']);
    ok(await h.request(`mutation($id: ID!) { supportIssue(issueId: $id) { id } }`, { id: bobs }, alice));
    ok(await h.request(`mutation($id: ID!) { supportIssue(issueId: $id) { id } }`, { id: bobs }, alice));
    expect(titles(await following(alice))).toEqual(['乙 垃圾清运', '甲 楼道灯坏了']);
    expect(titles(await following(staff))).toEqual([]);
    // Withdrawing support keeps the follow: following is the resident's own choice to drop.
    ok(await h.request(`mutation($id: ID!) { withdrawSupport(issueId: $id) { id } }`, { id: bobs }, alice));
    expect((await following(alice)).totalCount).toBe(2);
  });

  it('follows and unfollows any request, idempotently', async () => {
    for (let n = 0; n < 2; n++) expect(ok(await h.request(FOLLOW, { id: other }, alice)).followIssue.id).toBe(other);
    expect(titles(await following(alice))).toEqual(['丙 停车位', '乙 垃圾清运', '甲 楼道灯坏了']);
    for (let n = 0; n < 2; n++) expect(ok(await h.request(UNFOLLOW, { id: mine }, alice)).unfollowIssue.id).toBe(mine);
    expect(titles(await following(alice))).toEqual(['丙 停车位', '乙 垃圾清运']);
    ok(await h.request(FOLLOW, { id: mine }, alice));
  });

  it('logs each follow change for the bus once, before the event of the same act', async () => {
    const carol = viewer(['RESIDENT'], [], 'resident-carol');
    const changes = async () =>
      (await h.dataSource.query(`SELECT seq::int AS seq, issue_id, following FROM issues.follow_event WHERE follower_id = 'resident-carol' ORDER BY seq`)) as {
        seq: number;
        issue_id: string;
        following: boolean;
      }[];
    const x = await raise('丁 井盖松动', carol);
    const [raised] = (await h.dataSource.query(`SELECT seq::int AS seq FROM issues.issue_event WHERE issue_id = $1 AND kind = 'RAISED'`, [x])) as { seq: number }[];
    const afterRaise = await changes();
    expect(afterRaise).toEqual([{ seq: expect.any(Number), issue_id: x, following: true }]);
    expect(afterRaise[0]!.seq).toBeLessThan(raised!.seq); // a gateway knows she follows it when RAISED arrives
    for (let n = 0; n < 2; n++) ok(await h.request(FOLLOW, { id: x }, carol)); // already followed: nothing logged
    for (let n = 0; n < 2; n++) ok(await h.request(UNFOLLOW, { id: x }, carol));
    ok(await h.request(`mutation($id: ID!) { supportIssue(issueId: $id) { id } }`, { id: x }, carol));
    expect((await changes()).map((c) => c.following)).toEqual([true, false, true]);
    await h.request(FOLLOW, { id: other }, staff); // refused (RESIDENT only): nothing logged
    expect((await h.dataSource.query(`SELECT count(*)::int AS n FROM issues.follow_event WHERE follower_id = 'staff-a'`))[0].n).toBe(0);
  });

  it("never hands out another resident's contact", async () => {
    const page = await following(alice);
    const byTitle = Object.fromEntries(page.edges.map((e: any) => [e.node.title, e.node.reporterContact]));
    expect(byTitle['甲 楼道灯坏了']).toMatch(/^139/); // her own
    expect(byTitle['乙 垃圾清运']).toBeNull(); // bob's
  });

  it('pages me.following with opaque cursors', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let n = 0; n < 5; n++) {
      const page: any = await following(alice, 2, after);
      expect(page.totalCount).toBe(3);
      seen.push(...titles(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
    expect(seen).toEqual(['丙 停车位', '乙 垃圾清运', '甲 楼道灯坏了']);
    expect(ok(await h.request(FOLLOWING, {})).me).toEqual({ id: null, following: { totalCount: 0, pageInfo: { hasNextPage: false, endCursor: null }, edges: [] } });
  });

  it('refuses non-residents and unknown requests with a code', async () => {
    expect(errorOf(await h.request(FOLLOW, { id: other })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(FOLLOW, { id: other }, viewer(['ANALYST']))).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(FOLLOW, { id: '00000000-0000-4000-8000-000000000000' }, alice)).code).toBe('NOT_FOUND');
    expect(errorOf(await h.request(UNFOLLOW, { id: 'x' }, alice))).toMatchObject({ code: 'NOT_FOUND', field: 'issueId' });
  });

  it('finds the followers of one request with one index scan', async () => {
    const plan: { 'QUERY PLAN': string }[] = await h.dataSource.transaction(async (m) => {
      await m.query(`SET LOCAL enable_seqscan = off`);
      return m.query(`EXPLAIN SELECT follower_id FROM issues.follow WHERE issue_id = $1`, [other]);
    });
    expect(plan.map((r) => r['QUERY PLAN']).join('\n')).toMatch(/(Index (Only )?Scan|Bitmap Index Scan) on follow_pkey|Index (Only )?Scan using follow_pkey/);
    const rows = await h.dataSource.query(`SELECT follower_id FROM issues.follow WHERE issue_id = $1`, [bobs]);
    expect(rows.map((r: any) => r.follower_id).sort()).toEqual(['resident-alice', 'resident-bob']);
  });
});
