import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { startSessions, type SessionsHarness } from './harness';
import { admin, events, seedCommunity } from './fixtures';

let h: SessionsHarness;
beforeAll(async () => {
  h = await startSessions();
});
afterAll(() => h?.stop());

const FIELDS = `id title venue host scheduledAt startedAt endedAt status minutes cancelReason community { id } theme { id title session { id } }
  attendance { residents partyMembers cadres deputies cppccMembers total }`;
const SCHEDULE = `mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { ${FIELDS} } }`;
const GET = `query($id: ID!) { session(id: $id) { ${FIELDS} } }`;
const START = `mutation($id: ID!) { startSession(id: $id) { id status startedAt } }`;
const CLOSE = `mutation($id: ID!, $m: String!) { closeSession(id: $id, minutes: $m) { id status endedAt minutes } }`;
const CANCEL = `mutation($id: ID!, $r: String!) { cancelSession(id: $id, reason: $r) { id status cancelReason } }`;
const ATTEND = `mutation($id: ID!, $a: AttendanceInput!) { recordAttendance(sessionId: $id, input: $a) { id attendance { residents partyMembers cadres deputies cppccMembers total } } }`;
const PROPOSE = `mutation($i: ProposeTopicInput!) { proposeTopic(input: $i) { id } }`;

const plan = (communityId: string, extra: Record<string, unknown> = {}) => ({
  communityId,
  title: '六月广场夜话',
  venue: '社区文化广场',
  host: '张主任',
  scheduledAt: '2026-06-12T19:30:00+08:00',
  ...extra,
});
const counts = { residents: 80, partyMembers: 12, cadres: 6, deputies: 2, cppccMembers: 1 };

async function schedule(c: { id: string; staff: any }, extra: Record<string, unknown> = {}) {
  return ok(await h.request(SCHEDULE, { i: plan(c.id, extra) }, c.staff)).scheduleSession;
}
async function proposeTopic(c: { id: string; staff: any }, title = '电动车充电') {
  return ok(await h.request(PROPOSE, { i: { communityId: c.id, title, category: 'TRAFFIC_PARKING', source: 'COMMITTEE' } }, c.staff)).proposeTopic.id as string;
}

describe('sessions', () => {
  it('STAFF schedules with a theme of the same community; read by id, by theme, and live', async () => {
    const c = await seedCommunity(h);
    const themeId = await proposeTopic(c);
    const s = await schedule(c, { themeId, title: ' 六月广场夜话 ' });
    expect(s).toMatchObject({
      title: '六月广场夜话',
      status: 'PLANNED',
      scheduledAt: '2026-06-12T11:30:00.000Z',
      startedAt: null,
      community: { id: c.id },
      theme: { id: themeId, title: '电动车充电', session: { id: s.id } },
      attendance: { residents: 0, partyMembers: 0, cadres: 0, deputies: 0, cppccMembers: 0, total: 0 },
    });
    expect(ok(await h.request(GET, { id: s.id })).session).toEqual(s);
    expect(ok(await h.request(`query($id: ID!) { topicProposal(id: $id) { session { id title } } }`, { id: themeId })).topicProposal.session).toEqual({ id: s.id, title: '六月广场夜话' });

    const started = ok(await h.request(START, { id: s.id }, c.staff)).startSession;
    expect(started.status).toBe('LIVE');
    expect(started.startedAt).toEqual(expect.any(String));
    expect(ok(await h.request(`{ liveSessions { id status } }`)).liveSessions).toContainEqual({ id: s.id, status: 'LIVE' });

    const attended = ok(await h.request(ATTEND, { id: s.id, a: counts }, c.staff)).recordAttendance;
    expect(attended.attendance).toEqual({ ...counts, total: 101 });
    const closed = ok(await h.request(CLOSE, { id: s.id, m: ' 议定建5个充电棚 ' }, c.staff)).closeSession;
    expect(closed).toMatchObject({ status: 'CLOSED', minutes: '议定建5个充电棚' });
    expect(ok(await h.request(`{ liveSessions { id } }`)).liveSessions).not.toContainEqual({ id: s.id });
    // Attendance may be corrected after the session closes.
    expect(ok(await h.request(ATTEND, { id: s.id, a: { ...counts, residents: 90 } }, c.staff)).recordAttendance.attendance.total).toBe(111);

    const evs = await events(h, c.id);
    expect(evs.map((e) => [e.kind, e.session_id, e.topic_id])).toEqual([
      ['TOPIC_PROPOSED', null, themeId],
      ['SCHEDULED', s.id, themeId],
      ['STARTED', s.id, themeId],
      ['ATTENDANCE_UPDATED', s.id, themeId],
      ['CLOSED', s.id, themeId],
      ['ATTENDANCE_UPDATED', s.id, themeId],
    ]);
    expect(evs.every((e) => e.actor === c.staff.id && e.community_id === c.id)).toBe(true);
    expect(evs.map((e) => e.seq)).toEqual([...evs.map((e) => e.seq)].sort((a, b) => a - b));
  });

  it('cancels a PLANNED session with a reason', async () => {
    const c = await seedCommunity(h);
    const s = await schedule(c);
    expect(ok(await h.request(CANCEL, { id: s.id, r: '暴雨' }, c.staff)).cancelSession).toEqual({ id: s.id, status: 'CANCELLED', cancelReason: '暴雨' });
    expect((await events(h, c.id)).map((e) => e.kind)).toEqual(['SCHEDULED', 'CANCELLED']);
  });

  it('every illegal transition is CONFLICT with from/to and leaves the row and the log unchanged', async () => {
    const c = await seedCommunity(h);
    const at = async (status: 'PLANNED' | 'LIVE' | 'CLOSED' | 'CANCELLED') => {
      const s = await schedule(c);
      if (status === 'LIVE' || status === 'CLOSED') ok(await h.request(START, { id: s.id }, c.staff));
      if (status === 'CLOSED') ok(await h.request(CLOSE, { id: s.id, m: '纪要' }, c.staff));
      if (status === 'CANCELLED') ok(await h.request(CANCEL, { id: s.id, r: '改期' }, c.staff));
      return s.id as string;
    };
    const moves = {
      LIVE: (id: string) => h.request(START, { id }, c.staff),
      CLOSED: (id: string) => h.request(CLOSE, { id, m: '再写一次' }, c.staff),
      CANCELLED: (id: string) => h.request(CANCEL, { id, r: '再取消' }, c.staff),
    };
    const illegal: [from: 'PLANNED' | 'LIVE' | 'CLOSED' | 'CANCELLED', to: keyof typeof moves][] = [
      ['PLANNED', 'CLOSED'],
      ['LIVE', 'LIVE'],
      ['LIVE', 'CANCELLED'],
      ['CLOSED', 'LIVE'],
      ['CLOSED', 'CLOSED'],
      ['CLOSED', 'CANCELLED'],
      ['CANCELLED', 'LIVE'],
      ['CANCELLED', 'CLOSED'],
      ['CANCELLED', 'CANCELLED'],
    ];
    for (const [from, to] of illegal) {
      const id = await at(from);
      const before = ok(await h.request(GET, { id })).session;
      const logged = (await events(h, c.id)).length;
      expect(errorOf(await moves[to](id))).toMatchObject({ code: 'CONFLICT', from, to });
      expect(ok(await h.request(GET, { id })).session).toEqual(before);
      expect((await events(h, c.id)).length).toBe(logged);
    }
    for (const from of ['PLANNED', 'CANCELLED'] as const) {
      const id = await at(from);
      const before = ok(await h.request(GET, { id })).session;
      expect(errorOf(await h.request(ATTEND, { id, a: counts }, c.staff))).toMatchObject({ code: 'CONFLICT', from, to: 'LIVE' });
      expect(ok(await h.request(GET, { id })).session).toEqual(before);
    }
  });

  it('two concurrent starts: exactly one wins, one STARTED event', async () => {
    const c = await seedCommunity(h);
    const s = await schedule(c);
    const results = await Promise.all([h.request(START, { id: s.id }, c.staff), h.request(START, { id: s.id }, c.staff)]);
    const wins = results.filter((r) => !r.errors);
    const losses = results.filter((r) => r.errors);
    expect(wins).toHaveLength(1);
    expect(losses).toHaveLength(1);
    expect(errorOf(losses[0]!)).toMatchObject({ code: 'CONFLICT', from: 'LIVE', to: 'LIVE' });
    expect((await events(h, c.id)).filter((e) => e.kind === 'STARTED')).toHaveLength(1);
  });

  it('refuses wrong roles, foreign themes and bad input, writing nothing', async () => {
    const c = await seedCommunity(h);
    const other = await seedCommunity(h);
    const foreignTopic = await proposeTopic(other);
    const tries: [Record<string, unknown>, any, object][] = [
      [plan(c.id), undefined, { code: 'UNAUTHENTICATED' }],
      [plan(c.id), other.staff, { code: 'FORBIDDEN' }],
      [plan(c.id), viewer(['RESIDENT'], [c.id]), { code: 'FORBIDDEN' }],
      [plan(c.id, { title: '' }), c.staff, { code: 'BAD_USER_INPUT', field: 'input.title' }],
      [plan(c.id, { title: '题'.repeat(101) }), c.staff, { code: 'BAD_USER_INPUT', field: 'input.title' }],
      [plan(c.id, { venue: '  ' }), c.staff, { code: 'BAD_USER_INPUT', field: 'input.venue' }],
      [plan(c.id, { host: '名'.repeat(51) }), c.staff, { code: 'BAD_USER_INPUT', field: 'input.host' }],
      [plan(c.id, { themeId: foreignTopic }), c.staff, { code: 'BAD_USER_INPUT', field: 'input.themeId' }],
      [plan(c.id, { themeId: '00000000-0000-0000-0000-000000000000' }), c.staff, { code: 'NOT_FOUND', field: 'input.themeId' }],
      [plan('00000000-0000-0000-0000-000000000000'), admin, { code: 'NOT_FOUND', field: 'input.communityId' }],
    ];
    for (const [input, as, expected] of tries) expect(errorOf(await h.request(SCHEDULE, { i: input }, as))).toMatchObject(expected);
    expect(ok(await h.request(`query($c: ID!) { sessions(communityId: $c) { totalCount } }`, { c: c.id })).sessions.totalCount).toBe(0);
    expect(await events(h, c.id)).toEqual([]);

    const s = await schedule(c);
    expect(errorOf(await h.request(START, { id: s.id })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(START, { id: s.id }, other.staff)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(CANCEL, { id: s.id, r: 'x' }, other.staff)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(CANCEL, { id: s.id, r: ' ' }, c.staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'reason' });
    expect(errorOf(await h.request(START, { id: '00000000-0000-0000-0000-000000000000' }, admin))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    expect(errorOf(await h.request(START, { id: 'nope' }, admin))).toMatchObject({ code: 'NOT_FOUND', field: 'id' });
    ok(await h.request(START, { id: s.id }, admin)); // ADMIN anywhere
    expect(errorOf(await h.request(ATTEND, { id: s.id, a: { ...counts, cadres: -1 } }, c.staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.cadres' });
    expect(errorOf(await h.request(ATTEND, { id: s.id, a: counts }, other.staff)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(CLOSE, { id: s.id, m: '' }, c.staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'minutes' });
    expect(ok(await h.request(GET, { id: s.id })).session).toMatchObject({ status: 'LIVE', minutes: null, attendance: { total: 0 } });
    expect((await events(h, c.id)).map((e) => e.kind)).toEqual(['SCHEDULED', 'STARTED']);
  });

  it('lists sessions by community, status and Asia/Shanghai days, page by page', async () => {
    const c = await seedCommunity(h);
    // 2026-03-31T16:30Z is already 04-01 in Shanghai; 2026-04-30T16:30Z is 05-01.
    const times = ['2026-03-31T15:59:00Z', '2026-03-31T16:30:00Z', '2026-04-10T12:00:00Z', '2026-04-20T12:00:00Z', '2026-04-30T15:59:59Z', '2026-04-30T16:30:00Z'];
    const ids: string[] = [];
    for (const t of times) ids.push((await schedule(c, { scheduledAt: t, title: t })).id);
    ok(await h.request(CANCEL, { id: ids[2], r: '下雨' }, c.staff));
    const Q = `query($c: ID, $s: SessionStatus, $from: Date, $to: Date, $first: Int, $after: String) {
      sessions(communityId: $c, status: $s, from: $from, to: $to, first: $first, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } }`;
    const april = ok(await h.request(Q, { c: c.id, from: '2026-04-01', to: '2026-04-30', first: 2 })).sessions;
    expect(april.totalCount).toBe(4);
    expect(april.pageInfo.hasNextPage).toBe(true);
    expect(april.edges.map((e: any) => e.node.title)).toEqual([times[4], times[3]]);
    const rest = ok(await h.request(Q, { c: c.id, from: '2026-04-01', to: '2026-04-30', first: 2, after: april.pageInfo.endCursor })).sessions;
    expect(rest.edges.map((e: any) => e.node.title)).toEqual([times[2], times[1]]);
    expect(rest.pageInfo.hasNextPage).toBe(false);
    const planned = ok(await h.request(Q, { c: c.id, s: 'PLANNED' })).sessions;
    expect(planned.totalCount).toBe(5);
    const onCommunity = ok(await h.request(`query($c: ID!) { community(id: $c) { sessions(status: CANCELLED) { totalCount edges { node { id } } } } }`, { c: c.id })).community.sessions;
    expect(onCommunity).toEqual({ totalCount: 1, edges: [{ node: { id: ids[2] } }] });
    expect(errorOf(await h.request(Q, { c: c.id, first: 101 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await h.request(`query($c: ID!) { community(id: $c) { sessions(first: 101) { totalCount } } }`, { c: c.id }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await h.request(Q, { c: c.id, from: '2026-05-01', to: '2026-04-01' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(errorOf(await h.request(Q, { c: 'nope' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'communityId' });
  });
});
