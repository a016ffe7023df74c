import { buildDemoWorld, DEMO_TARGETS, DEMO_YEAR, type DemoWorld } from '@plaza/shared/demo';
import { ok } from '@plaza/shared/testing';
import { seedDemo } from '../src/seed/demo.seed';
import { startVolunteering, type VolunteeringHarness } from './harness';

let h: VolunteeringHarness;
let world: DemoWorld;
const progress: string[] = [];

beforeAll(async () => {
  h = await startVolunteering();
  world = buildDemoWorld();
  expect(await seedDemo(h.dataSource, world, (m) => progress.push(m))).toEqual({ inserted: true });
}, 60_000);
afterAll(() => h?.stop());

const OVERVIEW = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Overview {
  volunteerTeams volunteers activities beneficiaries volunteerHours cadresCheckedIn } } }`;
const overview = async (scope: string) => ok(await h.request(OVERVIEW, { r: [{ __typename: 'Overview', scope, ...DEMO_YEAR }] }))._entities[0];

const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);

describe('demo dataset (volunteering part)', () => {
  it("reproduces the report's volunteering figures for the city and the year", async () => {
    const city = await overview('city');
    expect(city).toMatchObject({
      volunteerTeams: DEMO_TARGETS.volunteerTeams,
      activities: DEMO_TARGETS.activities,
      cadresCheckedIn: DEMO_TARGETS.cadresCheckedIn,
      volunteers: world.volunteers.length,
      beneficiaries: sum(world.activities.map((a) => a.beneficiaries)),
    });
    expect(city.volunteerTeams).toBeGreaterThanOrEqual(100);
    expect(city.activities).toBeGreaterThanOrEqual(2000);
    expect(city.cadresCheckedIn).toBeGreaterThanOrEqual(7600);
    expect(city.beneficiaries).toBeGreaterThanOrEqual(100_000);
    expect(city.volunteerHours).toBeCloseTo(sum(world.activities.map((a) => a.volunteerHours)), 6);
  });

  it('agrees with the plan for one subdistrict and one community', async () => {
    const c = world.communities[0]!;
    for (const [scope, inScope] of [
      [c.subdistrict, (x: { subdistrict: string }) => x.subdistrict === c.subdistrict],
      [c.id, (x: { communityId: string }) => x.communityId === c.id],
    ] as const) {
      const teams = world.teams.filter(inScope as (t: DemoWorld['teams'][number]) => boolean);
      const teamIds = new Set(teams.map((t) => t.id));
      const activities = world.activities.filter(inScope as (a: DemoWorld['activities'][number]) => boolean);
      expect(await overview(scope)).toMatchObject({
        volunteerTeams: teams.length,
        volunteers: world.volunteers.filter((v) => teamIds.has(v.teamId)).length,
        activities: activities.length,
        beneficiaries: sum(activities.map((a) => a.beneficiaries)),
        cadresCheckedIn: world.checkIns.filter(inScope as (x: DemoWorld['checkIns'][number]) => boolean).length,
      });
    }
  });

  it('writes the links and timestamps of the plan', async () => {
    const [links] = await h.dataSource.query(
      `SELECT count(*) FILTER (WHERE session_id IS NOT NULL)::int AS sessions, count(*) FILTER (WHERE issue_id IS NOT NULL)::int AS issues,
              (SELECT count(*)::int FROM volunteering.team_assignment) AS assignments FROM volunteering.activity`,
    );
    expect(links).toEqual({
      sessions: world.activities.filter((a) => a.sessionId).length,
      issues: world.activities.filter((a) => a.issueId).length,
      assignments: world.teamIssues.length,
    });
    const t = world.teams[5]!;
    const [row] = await h.dataSource.query(`SELECT created_at, name, kind FROM volunteering.volunteer_team WHERE id = $1`, [t.id]);
    expect(row).toEqual({ created_at: t.createdAt, name: t.name, kind: t.kind });
    expect(progress.some((m) => /cadre_check_in 7620\/7620/.test(m))).toBe(true);
  });

  it('inserts nothing when seeded a second time', async () => {
    const counts = () =>
      h.dataSource.query(
        `SELECT (SELECT count(*)::int FROM volunteering.volunteer_team) AS teams, (SELECT count(*)::int FROM volunteering.volunteer) AS volunteers,
                (SELECT count(*)::int FROM volunteering.activity) AS activities, (SELECT count(*)::int FROM volunteering.cadre_check_in) AS checkins`,
      );
    const before = await counts();
    expect(await seedDemo(h.dataSource, world)).toEqual({ inserted: false });
    expect(await counts()).toEqual(before);
  });
});
