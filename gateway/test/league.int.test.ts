import { parseCsv, ok, errorOf } from '@plaza/shared/testing';
import { startStack, type Stack } from './stack';

/*
 * Issue 14 through the gateway: the league and its CSV, the Overview's settled shares beside the
 * sessions figures, and a resident's follows under `me` (a Viewer both sessions and issues resolve).
 * Every figure is counted by hand in services/issues/test/league.int.test.ts; here the point is
 * that they reach clients whole, and that the CSV equals the query.
 */
jest.setTimeout(90_000);

let stack: Stack;
let communityId: string;
let other: string;
let staff: string;
let resident: string;
const ids: Record<string, string> = {};

const m = async (query: string, variables: Record<string, unknown>, token = staff) => ok<any>(await stack.request(query, variables, token));
const raise = async (key: string) => {
  ids[key] = (await m('mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }', { i: { communityId, title: `${key} 诉求`, description: '测试', category: 'OTHER' } }, resident)).raiseIssue.id;
  return ids[key]!;
};
const tomorrow = new Date(Date.now() + 86_400_000 + 8 * 3_600_000).toISOString().slice(0, 10);

beforeAll(async () => {
  stack = await startStack();
  const admin = await stack.as(['ADMIN']);
  communityId = (await m('mutation { createCommunity(input: { name: "方井社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
  other = (await m('mutation { createCommunity(input: { name: "宋城美域", subdistrict: "阜安街道" }) { id } }', {}, admin)).createCommunity.id;
  staff = await stack.token('staff-1', ['STAFF'], [communityId]);
  resident = await stack.token('resident-1', ['RESIDENT']);

  const a = await raise('a');
  await m(`mutation($id: ID!) { claimIssue(id: $id, department: "街道城建办") { id } }`, { id: a });
  await m(`mutation($id: ID!, $d: Date!) { addLedgerEntry(issueId: $id, input: { measure: "修路灯", responsiblePerson: "张三", responsibleUnit: "物业", deadline: $d }) { id } }`, {
    id: a,
    d: tomorrow,
  });
  await m(`mutation($id: ID!) { giveFeedback(issueId: $id, text: "已修") { id } }`, { id: a });
  await m(`mutation($id: ID!) { escalateIssue(id: $id, level: COMMUNITY, reason: "需社区协调") { id } }`, { id: a });
  await m(`mutation($id: ID!) { evaluateIssue(issueId: $id, input: { satisfied: true, rating: 5 }) { id } }`, { id: a }, resident);
  const b = await raise('b');
  await m(`mutation($id: ID!) { resolveOnSite(id: $id, note: "当场解决") { id } }`, { id: b });
  const c = await raise('c');
  await m(`mutation($id: ID!) { claimIssue(id: $id, department: "社区居委会") { id } }`, { id: c });
});
afterAll(() => stack?.stop());

describe('departmentLeague through the gateway', () => {
  const FIELDS = 'unit kind claimed resolved medianHoursToClaim medianHoursToFirstFeedback ledgerOnTime ledgerOverdue ledgerOpenPastDeadline onTimeRate satisfactionRate reworkRate';
  const LEAGUE = `query($s: ID!, $o: LeagueOrder) { departmentLeague(scope: $s, orderBy: $o, first: 100) { totalCount edges { cursor node { ${FIELDS} } } } }`;

  it("answers ANALYST and the community's STAFF, and refuses STAFF elsewhere", async () => {
    const analyst = await stack.as(['ANALYST']);
    const l = (await m(LEAGUE, { s: 'city' }, analyst)).departmentLeague;
    expect(l.edges.map((e: any) => [e.node.kind, e.node.unit, e.node.claimed, e.node.resolved])).toEqual([
      ['DEPARTMENT', '街道城建办', 1, 1],
      ['RESPONSIBLE_UNIT', '物业', 1, 1],
      ['DEPARTMENT', '社区居委会', 1, 0],
    ]);
    expect(l.edges[0].node).toMatchObject({ satisfactionRate: 1, reworkRate: 0, ledgerOnTime: 0, onTimeRate: null });
    expect((await m(LEAGUE, { s: communityId }, staff)).departmentLeague.totalCount).toBe(3);
    for (const s of ['city', other]) expect(errorOf(await stack.request(LEAGUE, { s }, staff)).code).toBe('FORBIDDEN');
  });

  it('exports the same figures as GET /export/departments.csv', async () => {
    const analyst = await stack.as(['ANALYST']);
    for (const o of ['RESOLVED', 'HOURS_TO_CLAIM']) {
      const l = (await m(LEAGUE, { s: 'city', o }, analyst)).departmentLeague;
      const res = await fetch(`${stack.origin}/export/departments.csv?scope=city&orderBy=${o}`, { headers: { authorization: `Bearer ${analyst}` } });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
      const [, ...rows] = parseCsv((await res.text()).replace(/^\uFEFF/, ''));
      const cells = (n: any) => FIELDS.split(' ').map((f) => (n[f] == null ? '' : String(n[f])));
      expect(rows).toEqual(l.edges.map((e: any) => cells(e.node)));
    }
    const res = await fetch(`${stack.origin}/export/departments.csv`, { headers: { authorization: `Bearer ${staff}` } });
    expect(res.status).toBe(403);
  });
});

it("Overview carries the settled shares beside the other subgraphs' figures", async () => {
  const analyst = await stack.as(['ANALYST']);
  const o = (await m(`query($s: ID!) { overview(scope: $s) { issuesResolved settledAtGridShare settledInCommunityShare sessionsHeld volunteerTeams } }`, { s: communityId }, analyst)).overview;
  // Resolved: a (escalated to COMMUNITY) and b (on the spot, GRID).
  expect(o).toEqual({ issuesResolved: 2, settledAtGridShare: 0.5, settledInCommunityShare: 1, sessionsHeld: 0, volunteerTeams: 0 });
});

describe('follows through the gateway', () => {
  const ME = `{ me { id roles communityIds following(first: 10) { totalCount edges { node { title community { name } } } } } }`;
  it('lists what the resident raised, and follows and unfollows others', async () => {
    const me = (await m(ME, {}, resident)).me;
    expect(me).toMatchObject({ id: 'resident-1', roles: ['RESIDENT'], communityIds: [] });
    expect(me.following.edges.map((e: any) => e.node.title)).toEqual(['c 诉求', 'b 诉求', 'a 诉求']);
    expect(me.following.edges[0].node.community.name).toBe('方井社区');

    const neighbour = await stack.token('resident-2', ['RESIDENT']);
    expect((await m(ME, {}, neighbour)).me.following.totalCount).toBe(0);
    await m(`mutation($id: ID!) { supportIssue(issueId: $id) { id } }`, { id: ids.c }, neighbour);
    await m(`mutation($id: ID!) { followIssue(issueId: $id) { id } }`, { id: ids.a }, neighbour);
    expect((await m(ME, {}, neighbour)).me.following.edges.map((e: any) => e.node.title)).toEqual(['c 诉求', 'a 诉求']);
    await m(`mutation($id: ID!) { unfollowIssue(issueId: $id) { id } }`, { id: ids.c }, neighbour);
    expect((await m(ME, {}, neighbour)).me.following.totalCount).toBe(1);
    expect(errorOf(await stack.request(`mutation($id: ID!) { followIssue(issueId: $id) { id } }`, { id: ids.a }, staff)).code).toBe('FORBIDDEN');
    // Anonymous: nobody to follow for.
    expect(ok<any>(await stack.request(ME)).me).toEqual({ id: null, roles: [], communityIds: [], following: { totalCount: 0, edges: [] } });
  });
});
