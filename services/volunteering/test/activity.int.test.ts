import { randomUUID } from 'node:crypto';
import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { startVolunteering, type VolunteeringHarness } from './harness';

let h: VolunteeringHarness;
let fangjing: { id: string; subdistrict: string };
let other: { id: string; subdistrict: string };
let staff: ReturnType<typeof viewer>;
let otherStaff: ReturnType<typeof viewer>;
let teamId: string;
let sessionId: string;
let foreignSessionId: string;
const issueId = randomUUID();
const foreignIssueId = randomUUID();

/** A session of the community: scheduled on the real sessions subgraph when it serves sessions. */
async function sessionOf(communityId: string, as: ReturnType<typeof viewer>): Promise<string> {
  if (!h.sessionsServeSessions) {
    const id = randomUUID();
    h.directory.sessions.set(id, { id, communityId });
    return id;
  }
  const res = await h.sessionsRequest(
    `mutation($input: ScheduleSessionInput!) { scheduleSession(input: $input) { id } }`,
    { input: { communityId, title: '电动车充电难', venue: '社区广场', host: '刘书记', scheduledAt: '2026-05-01T19:30:00+08:00' } },
    as,
  );
  return ok(res).scheduleSession.id;
}

beforeAll(async () => {
  h = await startVolunteering();
  fangjing = await h.createCommunity('方井社区', '三里河街道');
  other = await h.createCommunity('宋城美域社区', '阜安街道');
  staff = viewer(['STAFF'], [fangjing.id]);
  otherStaff = viewer(['STAFF'], [other.id]);
  teamId = ok(
    await h.request(`mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }`, { input: { communityId: fangjing.id, name: '敬老队', kind: 'ELDERLY_CARE', leader: '李明' } }, staff),
  ).createTeam.id;
  sessionId = await sessionOf(fangjing.id, staff);
  foreignSessionId = await sessionOf(other.id, otherStaff);
  h.directory.issues.set(issueId, { id: issueId, communityId: fangjing.id });
  h.directory.issues.set(foreignIssueId, { id: foreignIssueId, communityId: other.id });
});
afterAll(() => h?.stop());

const RECORD = `mutation($input: RecordActivityInput!) { recordActivity(input: $input) {
  id title heldAt beneficiaries volunteerHours team { id } community { id } session { id } issue { id } } }`;
const input = (over: Record<string, unknown> = {}) => ({ teamId, title: '为独居老人理发', heldAt: '2026-05-01T19:30:00+08:00', beneficiaries: 12, volunteerHours: 6.5, ...over });
const countActivities = async () => Number((await h.dataSource.query(`SELECT count(*) AS n FROM volunteering.activity`))[0].n);

describe('recordActivity', () => {
  it("records an activity in its team's community, linked to a session and an issue", async () => {
    const { recordActivity } = ok(await h.request(RECORD, { input: input({ sessionId, issueId }) }, staff));
    expect(recordActivity).toMatchObject({
      title: '为独居老人理发',
      heldAt: '2026-05-01T11:30:00.000Z',
      beneficiaries: 12,
      volunteerHours: 6.5,
      team: { id: teamId },
      community: { id: fangjing.id },
      session: { id: sessionId },
      issue: { id: issueId },
    });
    const [row] = await h.dataSource.query(`SELECT community_id, subdistrict FROM volunteering.activity WHERE id = $1`, [recordActivity.id]);
    expect(row).toEqual({ community_id: fangjing.id, subdistrict: '三里河街道' });

    const plain = ok(await h.request(RECORD, { input: input({ title: '义诊', beneficiaries: 0, volunteerHours: 0 }) }, viewer(['ADMIN']))).recordActivity;
    expect(plain).toMatchObject({ session: null, issue: null, beneficiaries: 0, volunteerHours: 0 });

    const res = await h.request(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Session { id activities { title } } ... on Activity { title team { name } } } }`, {
      r: [
        { __typename: 'Session', id: sessionId },
        { __typename: 'Session', id: foreignSessionId },
        { __typename: 'Activity', id: plain.id },
      ],
    });
    expect(ok(res)._entities).toEqual([
      { id: sessionId, activities: [{ title: '为独居老人理发' }] },
      { id: foreignSessionId, activities: [] },
      { title: '义诊', team: { name: '敬老队' } },
    ]);
  });

  it('refuses bad input with the field named, writing nothing', async () => {
    const before = await countActivities();
    const inTwoDays = new Date(Date.now() + 2 * 24 * 3600 * 1000).toISOString();
    const cases: [Record<string, unknown>, string, string][] = [
      [{ title: ' ' }, 'BAD_USER_INPUT', 'input.title'],
      [{ title: '题'.repeat(101) }, 'BAD_USER_INPUT', 'input.title'],
      [{ beneficiaries: -1 }, 'BAD_USER_INPUT', 'input.beneficiaries'],
      [{ volunteerHours: -0.5 }, 'BAD_USER_INPUT', 'input.volunteerHours'],
      [{ volunteerHours: 10000.5 }, 'BAD_USER_INPUT', 'input.volunteerHours'],
      [{ heldAt: inTwoDays }, 'BAD_USER_INPUT', 'input.heldAt'],
      [{ teamId: randomUUID() }, 'NOT_FOUND', 'input.teamId'],
      [{ sessionId: randomUUID() }, 'NOT_FOUND', 'input.sessionId'],
      [{ sessionId: 'not-a-uuid' }, 'NOT_FOUND', 'input.sessionId'],
      [{ issueId: randomUUID() }, 'NOT_FOUND', 'input.issueId'],
      [{ sessionId: foreignSessionId }, 'BAD_USER_INPUT', 'input.sessionId'],
      [{ issueId: foreignIssueId }, 'BAD_USER_INPUT', 'input.issueId'],
    ];
    for (const [over, code, field] of cases) {
      expect({ over, ...errorOf(await h.request(RECORD, { input: input(over) }, staff)) }).toMatchObject({ over, code, field });
    }
    expect(errorOf(await h.request(RECORD, { input: input({ heldAt: 'yesterday' }) }, staff)).code).toBe('BAD_USER_INPUT');
    // Within the day of slack: a record entered a few hours ahead is accepted.
    ok(await h.request(RECORD, { input: input({ heldAt: new Date(Date.now() + 3600 * 1000).toISOString() }) }, staff));
    expect(await countActivities()).toBe(before + 1);
    await h.dataSource.query(`DELETE FROM volunteering.activity WHERE held_at > now()`);
  });

  it('checks roles', async () => {
    const before = await countActivities();
    expect(errorOf(await h.request(RECORD, { input: input() })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(RECORD, { input: input() }, otherStaff)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(RECORD, { input: input() }, viewer(['RESIDENT']))).code).toBe('FORBIDDEN');
    expect(await countActivities()).toBe(before);
  });
});

describe('activities', () => {
  const LIST = `query($c: ID, $from: Date, $to: Date, $first: Int, $after: String) { activities(communityId: $c, from: $from, to: $to, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } edges { node { title heldAt } } } }`;

  beforeAll(async () => {
    await h.dataSource.query(`DELETE FROM volunteering.activity`);
    // 2026-06-01 23:30 and 2026-06-02 00:30 in Shanghai: one hour apart, on two different days.
    for (const [title, heldAt] of [
      ['六月一日晚', '2026-06-01T15:30:00Z'],
      ['六月二日凌晨', '2026-06-01T16:30:00Z'],
      ['六月三日', '2026-06-03T02:00:00Z'],
      ['六月五日', '2026-06-05T02:00:00Z'],
    ]) {
      ok(await h.request(RECORD, { input: input({ title, heldAt }) }, staff));
    }
    const otherTeam = ok(
      await h.request(`mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }`, { input: { communityId: other.id, name: '环保队', kind: 'ENVIRONMENT', leader: '周' } }, otherStaff),
    ).createTeam.id;
    ok(await h.request(RECORD, { input: input({ teamId: otherTeam, title: '外社区', heldAt: '2026-06-02T02:00:00Z' }) }, otherStaff));
  });

  it('filters by community and by Asia/Shanghai days on heldAt', async () => {
    const titles = async (vars: Record<string, unknown>) => ok(await h.request(LIST, vars)).activities.edges.map((e: any) => e.node.title);
    expect(await titles({ c: fangjing.id })).toEqual(['六月五日', '六月三日', '六月二日凌晨', '六月一日晚']);
    expect(await titles({ from: '2026-06-02', to: '2026-06-02' })).toEqual(['外社区', '六月二日凌晨']);
    expect(await titles({ c: fangjing.id, to: '2026-06-01' })).toEqual(['六月一日晚']);
    expect(await titles({ c: fangjing.id, from: '2026-06-03' })).toEqual(['六月五日', '六月三日']);
    expect(await titles({ c: 'nope' })).toEqual([]);
    expect(errorOf(await h.request(LIST, { from: '2026-06-03', to: '2026-06-02' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'to' });
    expect(errorOf(await h.request(LIST, { from: '2026-02-30' })).code).toBe('BAD_USER_INPUT');
  });

  it('pages newest first, per list and per team', async () => {
    const p1 = ok(await h.request(LIST, { c: fangjing.id, first: 3 })).activities;
    const p2 = ok(await h.request(LIST, { c: fangjing.id, first: 3, after: p1.pageInfo.endCursor })).activities;
    expect(p1).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: true } });
    expect(p2).toMatchObject({ totalCount: 4, pageInfo: { hasNextPage: false }, edges: [{ node: { title: '六月一日晚' } }] });

    const TEAM = `query($id: ID!, $after: String) { volunteerTeam(id: $id) { activities(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { title } } } } }`;
    const t1 = ok(await h.request(TEAM, { id: teamId })).volunteerTeam.activities;
    const t2 = ok(await h.request(TEAM, { id: teamId, after: t1.pageInfo.endCursor })).volunteerTeam.activities;
    expect([...t1.edges, ...t2.edges].map((e: any) => e.node.title)).toEqual(['六月五日', '六月三日', '六月二日凌晨', '六月一日晚']);
    expect([t1.totalCount, t1.pageInfo.hasNextPage, t2.pageInfo.hasNextPage]).toEqual([4, true, false]);
  });
});
