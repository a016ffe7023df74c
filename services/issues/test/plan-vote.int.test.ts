import { errorOf, ok, viewer } from '@plaza/shared/testing';
import type { DataSource } from 'typeorm';
import { createIssuesDataSource } from '../src/data-source';
import { sweepDueVotes } from '../src/votes/vote-close.job';
import { RAISE, startIssues, type IssuesHarness } from './harness';

/** Plan votes opened and closed on stage (issue 13): the window, CONFLICT outside it, the closing sweep. */

let h: IssuesHarness;
let c: string;
let staff: ReturnType<typeof viewer>;
const resident = () => viewer(['RESIDENT'], [], undefined);
const replicas: DataSource[] = [];

beforeAll(async () => {
  h = await startIssues();
  c = await h.createCommunity('方井社区', '三里河街道');
  staff = viewer(['STAFF'], [c], 'staff-c');
});
afterAll(async () => {
  for (const ds of replicas) await ds.destroy();
  await h?.stop();
});

const PLAN = `id status votesFor votesAgainst votesAbstain votesCast voters voteOpen voteOpenedAt voteClosesAt voteClosedAt`;
const VOTE = `mutation($p: ID!, $s: Stance!) { votePlan(planId: $p, stance: $s) { ${PLAN} } }`;
const OPEN = `mutation($p: ID!, $at: DateTime) { openPlanVote(planId: $p, closesAt: $at) { ${PLAN} } }`;
const CLOSE = `mutation($p: ID!) { closePlanVote(planId: $p) { ${PLAN} } }`;

async function newPlan(summary = '在东门加建充电车棚'): Promise<string> {
  const issue = ok(await h.request(RAISE, { input: { communityId: c, title: '东门电动车充电难', description: '充电桩不够', category: 'TRAFFIC_PARKING' } }, resident())).raiseIssue;
  return ok(await h.request(`mutation($id: ID!, $s: String!) { proposePlan(issueId: $id, summary: $s) { id } }`, { id: issue.id, s: summary }, staff)).proposePlan.id;
}

const closedEvents = async (planId: string) =>
  (await h.dataSource.query(`SELECT kind, note, actor FROM issues.issue_event WHERE plan_id = $1 AND kind = 'PLAN_VOTE_CLOSED'`, [planId])) as { kind: string; note: string; actor: string }[];

const until = async (at: string) => {
  const wait = Date.parse(at) - Date.now() + 50;
  if (wait > 0) await new Promise((r) => setTimeout(r, wait));
};

describe('plan votes with a window', () => {
  it('a plan nobody opened explicitly takes votes as before, and says so', async () => {
    const p = await newPlan();
    const r = ok(await h.request(VOTE, { p, s: 'FOR' }, resident())).votePlan;
    expect(r).toMatchObject({ votesFor: 1, votesCast: 1, voters: 1, voteOpen: true, voteOpenedAt: null, voteClosesAt: null, voteClosedAt: null });
  });

  it('closePlanVote closes it: a later vote is CONFLICT, a second close too; openPlanVote reopens it', async () => {
    const p = await newPlan();
    ok(await h.request(VOTE, { p, s: 'FOR' }, resident()));
    ok(await h.request(VOTE, { p, s: 'AGAINST' }, resident()));
    const closed = ok(await h.request(CLOSE, { p }, staff)).closePlanVote;
    expect(closed).toMatchObject({ status: 'OPEN', voteOpen: false, votesCast: 2, voters: 2, voteClosedAt: expect.any(String) });
    expect(errorOf(await h.request(VOTE, { p, s: 'FOR' }, resident()))).toMatchObject({ code: 'CONFLICT' });
    expect(errorOf(await h.request(CLOSE, { p }, staff))).toMatchObject({ code: 'CONFLICT' });
    expect(await closedEvents(p)).toEqual([{ kind: 'PLAN_VOTE_CLOSED', actor: expect.any(String), note: expect.stringContaining('赞成 1 · 反对 1 · 弃权 0') }]);
    const reopened = ok(await h.request(OPEN, { p, at: null }, staff)).openPlanVote;
    expect(reopened).toMatchObject({ voteOpen: true, voteClosedAt: null, voteOpenedAt: expect.any(String) });
    ok(await h.request(VOTE, { p, s: 'ABSTAIN' }, resident()));
  });

  it('only STAFF of the community open or close a vote; a past closesAt is BAD_USER_INPUT; a decided plan is CONFLICT', async () => {
    const p = await newPlan();
    expect(errorOf(await h.request(CLOSE, { p }, resident()))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await h.request(OPEN, { p, at: null }, viewer(['STAFF'], ['00000000-0000-0000-0000-000000000001'])))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await h.request(OPEN, { p, at: new Date(Date.now() - 1000).toISOString() }, staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'closesAt' });
    ok(await h.request(`mutation($p: ID!) { decidePlan(planId: $p, adopt: true) { id } }`, { p }, staff));
    expect(errorOf(await h.request(OPEN, { p, at: null }, staff))).toMatchObject({ code: 'CONFLICT' });
  });

  it('a vote after closesAt is CONFLICT even before any sweep ran; the sweep then closes it at closesAt', async () => {
    const p = await newPlan();
    const at = new Date(Date.now() + 1200).toISOString();
    const opened = ok(await h.request(OPEN, { p, at }, staff)).openPlanVote;
    expect(opened).toMatchObject({ voteOpen: true, voteClosesAt: at });
    ok(await h.request(VOTE, { p, s: 'FOR' }, resident()));
    await until(at);
    expect(errorOf(await h.request(VOTE, { p, s: 'FOR' }, resident()))).toMatchObject({ code: 'CONFLICT' });
    const read = ok(await h.request(`{ issues(first: 100) { edges { node { plans { id voteOpen } } } } }`));
    expect(read.issues.edges.flatMap((e: any) => e.node.plans).find((x: any) => x.id === p)).toEqual({ id: p, voteOpen: false });
    expect(await closedEvents(p)).toEqual([]);
    expect(await sweepDueVotes(h.dataSource)).toBe(1);
    const [row] = await h.dataSource.query(`SELECT vote_closed_at = vote_closes_at AS exact FROM issues.plan WHERE id = $1`, [p]);
    expect(row.exact).toBe(true);
    expect(await closedEvents(p)).toEqual([{ kind: 'PLAN_VOTE_CLOSED', actor: 'system', note: expect.stringContaining('赞成 1') }]);
    expect(await sweepDueVotes(h.dataSource)).toBe(0);
  });

  it('four replicas sweeping at once close each due vote exactly once (one decision event per plan)', async () => {
    for (let i = 0; i < 4; i++) {
      const ds = createIssuesDataSource(h.dbUrl);
      await ds.initialize();
      replicas.push(ds);
    }
    await sweepDueVotes(h.dataSource); // nothing left over from the tests above
    const at = new Date(Date.now() + 1500).toISOString();
    const plans: string[] = [];
    for (let i = 0; i < 6; i++) {
      const p = await newPlan(`方案 ${i}`);
      ok(await h.request(OPEN, { p, at }, staff));
      plans.push(p);
    }
    await until(at);
    for (let round = 0; round < 3; round++) {
      const closed = await Promise.all(replicas.map((ds) => sweepDueVotes(ds)));
      expect(closed.reduce((a, b) => a + b, 0)).toBe(round === 0 ? 6 : 0);
    }
    for (const p of plans) expect(await closedEvents(p)).toHaveLength(1);
  });
});
