import { shanghaiDay } from '@plaza/shared';
import { errorOf, ok } from '@plaza/shared/testing';
import { admin, seedCommunity } from './fixtures';
import { startSessions, type SessionsHarness } from './harness';

let h: SessionsHarness;
beforeAll(async () => {
  h = await startSessions();
});
afterAll(() => h?.stop());

type C = Awaited<ReturnType<typeof seedCommunity>>;
const FIGURES = 'scope from to sessionsHeld totalAttendance householdsVisited topicsProposed';
const OVERVIEW = `query($scope: ID, $from: Date, $to: Date) { overview(scope: $scope, from: $from, to: $to) { ${FIGURES} } }`;
const ENTITIES = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Overview { ${FIGURES} } } }`;

async function held(c: C, scheduledAt: string, a: [number, number, number, number, number], close = true) {
  const s = ok(
    await h.request(`mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id } }`, { i: { communityId: c.id, title: '夜话', venue: '广场', host: '主持', scheduledAt } }, c.staff),
  ).scheduleSession;
  if (!close) return ok(await h.request(`mutation($id: ID!) { cancelSession(id: $id, reason: "下雨") { id } }`, { id: s.id }, c.staff));
  ok(await h.request(`mutation($id: ID!) { startSession(id: $id) { id } }`, { id: s.id }, c.staff));
  const [residents, partyMembers, cadres, deputies, cppccMembers] = a;
  ok(
    await h.request(
      `mutation($id: ID!, $a: AttendanceInput!) { recordAttendance(sessionId: $id, input: $a) { id } }`,
      { id: s.id, a: { residents, partyMembers, cadres, deputies, cppccMembers } },
      c.staff,
    ),
  );
  return ok(await h.request(`mutation($id: ID!) { closeSession(id: $id, minutes: "形成共识") { id } }`, { id: s.id }, c.staff));
}
async function visit(c: C, visitedAt: string, householdsVisited: number) {
  ok(await h.request(`mutation($i: RecordVisitInput!) { recordVisit(input: $i) { id } }`, { i: { communityId: c.id, visitedAt, visitor: '李书记', householdsVisited, opinions: [] } }, c.staff));
}
async function topic(c: C) {
  ok(await h.request(`mutation($i: ProposeTopicInput!) { proposeTopic(input: $i) { id } }`, { i: { communityId: c.id, title: '充电难', category: 'TRAFFIC_PARKING', source: 'COMMITTEE' } }, c.staff));
}

const MARCH = { from: '2025-03-01', to: '2025-03-31' };
let a: C, b: C, c: C;

describe('overview: the sessions-side figures', () => {
  beforeAll(async () => {
    a = await seedCommunity(h, '甲街道');
    b = await seedCommunity(h, '甲街道');
    c = await seedCommunity(h, '乙街道');
    await held(a, '2025-03-10T19:30:00+08:00', [10, 2, 1, 1, 0]); // 14
    await held(a, '2025-03-31T23:30:00+08:00', [5, 5, 5, 5, 5]); // 25, last evening of March in Shanghai (15:30Z)
    await held(a, '2025-04-01T00:10:00+08:00', [9, 0, 0, 0, 0]); // 9, already April in Shanghai, still March in UTC
    await held(a, '2025-03-20T19:30:00+08:00', [0, 0, 0, 0, 0], false); // cancelled: not held
    await held(b, '2025-03-15T19:30:00+08:00', [7, 0, 0, 0, 0]);
    await held(c, '2025-03-20T19:30:00+08:00', [60, 20, 10, 6, 4]); // 100
    await visit(a, '2025-03-05T10:00:00+08:00', 10);
    await visit(a, '2025-02-28T23:00:00+08:00', 3); // February in Shanghai
    await visit(b, '2025-03-06T10:00:00+08:00', 4);
    await visit(c, '2025-03-07T10:00:00+08:00', 20);
    // Topics are proposed now, outside March 2025.
    await topic(a);
    await topic(a);
    await topic(b);
    await topic(c);
  });

  it('city, a subdistrict and a community over a window that excludes some rows (hand-counted)', async () => {
    const city = ok(await h.request(OVERVIEW, { scope: 'city', ...MARCH })).overview;
    expect(city).toEqual({ scope: 'city', ...MARCH, sessionsHeld: 4, totalAttendance: 146, householdsVisited: 34, topicsProposed: 0 });
    const jia = ok(await h.request(OVERVIEW, { scope: '甲街道', ...MARCH })).overview;
    expect(jia).toEqual({ scope: '甲街道', ...MARCH, sessionsHeld: 3, totalAttendance: 46, householdsVisited: 14, topicsProposed: 0 });
    const one = ok(await h.request(OVERVIEW, { scope: a.id, ...MARCH })).overview;
    expect(one).toEqual({ scope: a.id, ...MARCH, sessionsHeld: 2, totalAttendance: 39, householdsVisited: 10, topicsProposed: 0 });

    const today = shanghaiDay(new Date());
    const all = ok(await h.request(OVERVIEW, { from: '2025-01-01' })).overview;
    expect(all).toEqual({ scope: 'city', from: '2025-01-01', to: today, sessionsHeld: 5, totalAttendance: 155, householdsVisited: 37, topicsProposed: 4 });
    const aAll = ok(await h.request(OVERVIEW, { scope: a.id, from: '2025-01-01' })).overview;
    expect(aAll).toMatchObject({ sessionsHeld: 3, totalAttendance: 48, householdsVisited: 13, topicsProposed: 2 });
  });

  it('fills the defaults: to is today, from the first day with any record in the scope', async () => {
    const today = shanghaiDay(new Date());
    expect(ok(await h.request(OVERVIEW, {})).overview).toMatchObject({ scope: 'city', from: '2025-02-28', to: today, sessionsHeld: 5 });
    expect(ok(await h.request(OVERVIEW, { scope: c.id })).overview).toMatchObject({ from: '2025-03-07', to: today, householdsVisited: 20 });
    expect(ok(await h.request(OVERVIEW, { scope: '乙街道', to: '2025-12-31' })).overview).toMatchObject({ from: '2025-03-07', to: '2025-12-31', sessionsHeld: 1 });
    // The first record lies after `to`: the range shrinks to the one day.
    expect(ok(await h.request(OVERVIEW, { scope: a.id, to: '2025-01-15' })).overview).toMatchObject({ from: '2025-01-15', to: '2025-01-15', sessionsHeld: 0 });
    // A community without records: from = to = today.
    const empty = await seedCommunity(h, '丙街道');
    expect(ok(await h.request(OVERVIEW, { scope: empty.id })).overview).toEqual({
      scope: empty.id,
      from: today,
      to: today,
      sessionsHeld: 0,
      totalAttendance: 0,
      householdsVisited: 0,
      topicsProposed: 0,
    });
  });

  it('refuses an unknown scope, from after to, and a range over five years', async () => {
    expect(errorOf(await h.request(OVERVIEW, { scope: '不存在街道' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scope' });
    expect(errorOf(await h.request(OVERVIEW, { scope: '00000000-0000-0000-0000-000000000000' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'scope' });
    expect(errorOf(await h.request(OVERVIEW, { from: '2025-04-01', to: '2025-03-31' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(errorOf(await h.request(OVERVIEW, { from: '2099-01-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(errorOf(await h.request(OVERVIEW, { from: '2020-01-01', to: '2025-01-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    expect(ok(await h.request(OVERVIEW, { from: '2020-01-01', to: '2024-12-31' })).overview.sessionsHeld).toBe(0);
    expect(errorOf(await h.request(OVERVIEW, { from: '2025-02-30' })).code).toBe('BAD_USER_INPUT');
  });

  it('entity references: several Overviews in one request cost one aggregate statement', async () => {
    const reps = [
      { __typename: 'Overview', scope: 'city', ...MARCH },
      { __typename: 'Overview', scope: '甲街道', ...MARCH },
      { __typename: 'Overview', scope: a.id, ...MARCH },
      { __typename: 'Overview', scope: a.id, ...MARCH }, // the same key twice is loaded once
    ];
    h.counter.reset();
    const res = ok(await h.request(ENTITIES, { r: reps }))._entities;
    expect(h.counter.count).toBe(1);
    expect(res.map((o: any) => [o.scope, o.sessionsHeld, o.totalAttendance, o.householdsVisited])).toEqual([
      ['city', 4, 146, 34],
      ['甲街道', 3, 46, 14],
      [a.id, 2, 39, 10],
      [a.id, 2, 39, 10],
    ]);

    // A malformed representation fails alone.
    const mixed = await h.request(ENTITIES, { r: [{ __typename: 'Overview', scope: 'city', from: '2025-13-01', to: '2025-03-31' }, reps[0]] });
    expect(mixed.errors?.[0]?.extensions).toMatchObject({ code: 'BAD_USER_INPUT', field: 'from' });
    expect(mixed.data?._entities[1]).toMatchObject({ scope: 'city', sessionsHeld: 4 });

    // The query itself: one statement to validate and fill defaults, one for all four figures.
    h.counter.reset();
    ok(await h.request(OVERVIEW, { scope: 'city', ...MARCH }));
    expect(h.counter.count).toBe(2);
    // A gateway plan asking sessions only for the key costs no aggregate at all.
    h.counter.reset();
    ok(await h.request(`{ overview(from: "2025-03-01", to: "2025-03-31") { scope from to } }`));
    expect(h.counter.count).toBe(1);
    // Overviews are read by everyone the gateway lets through, also anonymously: no personal data.
    expect(ok(await h.request(OVERVIEW, MARCH, admin)).overview.sessionsHeld).toBe(4);
  });
});
