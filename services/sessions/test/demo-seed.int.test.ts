import { shanghaiDay, shanghaiDayEnd, shanghaiDayStart } from '@plaza/shared';
import { buildDemoWorld, DEMO_TARGETS, DEMO_YEAR } from '@plaza/shared/demo';
import { ok } from '@plaza/shared/testing';
import { seedDemo } from '../src';
import { startSessions, type SessionsHarness } from './harness';

let h: SessionsHarness;
beforeAll(async () => {
  h = await startSessions();
});
afterAll(() => h?.stop());

const FIGURES = 'scope from to sessionsHeld totalAttendance householdsVisited topicsProposed';
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Overview { ${FIGURES} } } }`;
const world = buildDemoWorld();
const inYear = (d: Date) => d >= shanghaiDayStart(DEMO_YEAR.from) && d < shanghaiDayEnd(DEMO_YEAR.to);
const tableCounts = async () =>
  (
    await h.dataSource.query(
      `SELECT (SELECT count(*) FROM sessions.community)::int AS communities, (SELECT count(*) FROM sessions.grid)::int AS grids,
            (SELECT count(*) FROM sessions.topic_proposal)::int AS topics, (SELECT count(*) FROM sessions.session)::int AS sessions,
            (SELECT count(*) FROM sessions.visit)::int AS visits, (SELECT count(*) FROM sessions.session_event)::int AS events`,
    )
  )[0];

describe('the demo dataset', () => {
  it('seeds the plan once; the overview of the year shows the report figures', async () => {
    const progress: string[] = [];
    expect(await seedDemo(h.dataSource, world, (m) => progress.push(m))).toEqual({ inserted: true });
    expect(progress.length).toBeGreaterThan(0);
    const counts = await tableCounts();
    expect(counts).toEqual({
      communities: world.communities.length,
      grids: world.communities.reduce((n, c) => n + c.grids.length, 0),
      topics: world.topics.length,
      sessions: world.sessions.length,
      visits: world.visits.length,
      events: 0, // seeded history stays out of the live feed
    });

    const res = ok(await h.request(ENTITIES, { r: [{ __typename: 'Overview', scope: 'city', ...DEMO_YEAR }] }))._entities[0];
    const held = world.sessions.filter((s) => s.status === 'CLOSED' && inYear(s.scheduledAt));
    expect(res).toEqual({
      scope: 'city',
      ...DEMO_YEAR,
      sessionsHeld: DEMO_TARGETS.sessionsHeld,
      totalAttendance: held.reduce((n, s) => n + s.attendance.residents + s.attendance.partyMembers + s.attendance.cadres + s.attendance.deputies + s.attendance.cppccMembers, 0),
      householdsVisited: world.visits.filter((v) => inYear(v.visitedAt)).reduce((n, v) => n + v.householdsVisited, 0),
      topicsProposed: world.topics.filter((t) => inYear(t.proposedAt)).length,
    });
    expect(held).toHaveLength(DEMO_TARGETS.sessionsHeld);
    expect(res.totalAttendance).toBeGreaterThan(10_000);

    // Query.overview: from defaults to the plan's first recorded day.
    const first = shanghaiDay(
      new Date(Math.min(...[...world.visits.map((v) => v.visitedAt), ...world.topics.map((t) => t.proposedAt), ...world.sessions.map((s) => s.scheduledAt)].map((d) => d.getTime()))),
    );
    const q = ok(await h.request(`query($to: Date) { overview(to: $to) { ${FIGURES} } }`, { to: DEMO_YEAR.to })).overview;
    expect(q).toEqual({ ...res, from: first });

    // A subdistrict is the sum of its communities.
    const subdistrict = world.communities[0]!.subdistrict;
    const members = world.communities.filter((c) => c.subdistrict === subdistrict);
    const parts = ok(await h.request(ENTITIES, { r: [subdistrict, ...members.map((c) => c.id)].map((scope) => ({ __typename: 'Overview', scope, ...DEMO_YEAR })) }))._entities;
    const sum = (k: string) => parts.slice(1).reduce((n: number, o: any) => n + o[k], 0);
    expect(parts[0].sessionsHeld).toBe(sum('sessionsHeld'));
    expect(parts[0].totalAttendance).toBe(sum('totalAttendance'));
    expect(parts[0].householdsVisited).toBe(sum('householdsVisited'));
    expect(parts[0].sessionsHeld).toBeGreaterThan(0);

    // Seeding again writes nothing.
    expect(await seedDemo(h.dataSource, world)).toEqual({ inserted: false });
    expect(await tableCounts()).toEqual(counts);
  });
});
