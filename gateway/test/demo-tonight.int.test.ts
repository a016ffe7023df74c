import { spawnSync } from 'node:child_process';
import { Client } from 'pg';
import { join } from 'node:path';
import { buildDemoWorld, buildTonight, DEMO_TARGETS, DEMO_YEAR } from '@plaza/shared/demo';
import { errorOf, ok } from '@plaza/shared/testing';
import { startStack, type Stack } from './stack';

/**
 * The living demo (issue 13): `npm run seed:demo` (and `npm start` on an empty database) loads the
 * 2025 year AND today's evening — a LIVE session with requests and an open plan vote in 方井社区,
 * PLANNED ones in the other communities — without moving any 2025 figure; seeding again the same
 * day writes nothing.
 */

jest.setTimeout(120_000);

let stack: Stack;
const world = buildDemoWorld();
const tonight = buildTonight(world, new Date());
/** The real CLI, as `npm run seed:demo` runs it; its progress lines go to stderr. */
const seed = () => spawnSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'seed-demo.mjs')], { env: { ...process.env, DATABASE_URL: stack.db.url }, encoding: 'utf8' });

let pg: Client;
let firstRun: ReturnType<typeof seed>;

beforeAll(async () => {
  stack = await startStack();
  firstRun = seed();
  pg = new Client({ connectionString: stack.db.url });
  await pg.connect();
});

afterAll(async () => {
  await pg?.end();
  await stack?.stop();
});

const count = async (sql: string, params: unknown[] = []) => Number((await pg.query(sql, params)).rows[0].n);

describe('npm run seed:demo: the demo year and tonight', () => {
  it('says which screen to open', () => {
    expect(firstRun.status).toBe(0);
    expect(firstRun.stderr).toContain(`open /screen?community=${tonight.community.id}`);
  });

  it('keeps every 2025 figure exactly', async () => {
    const { overview } = ok(
      await stack.request(
        `query($from: Date, $to: Date) { overview(scope: "city", from: $from, to: $to) { sessionsHeld issuesResolved familyConflictsResolved neighbourDisputesResolved volunteerTeams activities } }`,
        { ...DEMO_YEAR },
        await stack.as(['ANALYST']),
      ),
    );
    expect(overview).toEqual({
      sessionsHeld: DEMO_TARGETS.sessionsHeld,
      issuesResolved: DEMO_TARGETS.issuesResolved,
      familyConflictsResolved: DEMO_TARGETS.familyConflictsResolved,
      neighbourDisputesResolved: DEMO_TARGETS.neighbourDisputesResolved,
      volunteerTeams: DEMO_TARGETS.volunteerTeams,
      activities: DEMO_TARGETS.activities,
    });
  });

  it('has tonight LIVE in the named community, with requests and an open plan vote, and PLANNED sessions elsewhere', async () => {
    const d = ok(
      await stack.request(
        `query($c: ID!, $o: ID!) {
          community(id: $c) { name live: sessions(status: LIVE, first: 5) { edges { node { id title theme { title }
            issues(first: 10) { totalCount edges { node { title supportCount plans { id voteOpen votesCast votesFor } } } } } } } }
          other: community(id: $o) { planned: sessions(status: PLANNED, first: 5) { edges { node { id scheduledAt } } } }
        }`,
        { c: tonight.community.id, o: world.communities[1]!.id },
      ),
    );
    expect(d.community.name).toBe('方井社区');
    const live = d.community.live.edges.map((e: any) => e.node);
    expect(live).toHaveLength(1);
    expect(live[0]).toMatchObject({ id: tonight.live.id, theme: { title: '老旧小区加装电梯怎么推进' } });
    expect(live[0].issues.totalCount).toBe(3);
    const plans = live[0].issues.edges.flatMap((e: any) => e.node.plans);
    expect(plans).toEqual([{ id: tonight.plan.id, voteOpen: true, votesCast: 20, votesFor: 14 }]);
    expect(d.other.planned.edges.map((e: any) => e.node)).toEqual([{ id: tonight.planned[0]!.id, scheduledAt: tonight.planned[0]!.scheduledAt.toISOString() }]);
    expect(await count(`SELECT count(*) AS n FROM sessions.session WHERE status = 'PLANNED' AND scheduled_at = $1`, [tonight.planned[0]!.scheduledAt])).toBe(world.communities.length - 1);
  });

  it('makes reporters and supporters followers, of the year and of tonight (issue 14)', async () => {
    const year = world.issues.reduce((n, i) => n + new Set([i.reporterId, ...i.supporters]).size, 0);
    const tonightFollows = tonight.issues.reduce((n, i) => n + 1 + new Set(i.supporters).size, 0);
    expect(await count(`SELECT count(*) AS n FROM issues.follow`)).toBe(year + tonightFollows);
  });

  it("staff can run tonight's vote from the API: a resident votes, staff close it, a late vote is CONFLICT", async () => {
    const staff = await stack.as(['STAFF'], [tonight.community.id]);
    const voted = ok(await stack.request('mutation($p: ID!) { votePlan(planId: $p, stance: FOR) { votesCast } }', { p: tonight.plan.id }, await stack.as(['RESIDENT'])));
    expect(voted.votePlan.votesCast).toBe(21);
    ok(await stack.request('mutation($p: ID!) { closePlanVote(planId: $p) { id } }', { p: tonight.plan.id }, staff));
    expect(errorOf(await stack.request('mutation($p: ID!) { votePlan(planId: $p, stance: FOR) { id } }', { p: tonight.plan.id }, await stack.as(['RESIDENT'])))).toMatchObject({ code: 'CONFLICT' });
  });

  it('seeding again the same day writes nothing new', async () => {
    const before = await count(`SELECT (SELECT count(*) FROM sessions.session) + (SELECT count(*) FROM issues.issue) + (SELECT count(*) FROM issues.plan) AS n`);
    const again = seed();
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('sessions: already there');
    expect(await count(`SELECT (SELECT count(*) FROM sessions.session) + (SELECT count(*) FROM issues.issue) + (SELECT count(*) FROM issues.plan) AS n`)).toBe(before);
  });
});
