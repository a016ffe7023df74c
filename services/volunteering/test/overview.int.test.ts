import { randomUUID } from 'node:crypto';
import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { startVolunteering, type VolunteeringHarness } from './harness';

/*
 * A hand-counted fixture. Rows are created through the mutations, then their creation times are
 * moved into 2025 (the API stamps "now"); activity times come from the mutation itself.
 * Window W = 2025-01-01..2025-05-31 (Asia/Shanghai), so the end is 2025-05-31T16:00Z.
 *
 *   community A (三里河街道)  team A1 formed 01-10: volunteers joined 01-15, 07-01
 *                            team A2 formed 06-10: volunteer joined 06-15
 *                            activities 03-01 (10, 2.5h), 05-31 23:30 (5, 1h), 06-01 00:10 (7, 3h)
 *                            check-ins 02-01, 05-31 23:59, 06-01 00:00
 *   community B (三里河街道)  team B formed 02-01: volunteer joined 02-02
 *                            activity 04-01 (20, 4h); check-in 03-01
 *   community C (胶东街道)    team C formed 03-01: volunteers joined 03-02, 03-03
 *                            activities 04-02 (30, 6h), 2024-12-31 23:00 (1, 1h); check-in 2024-12-31 23:59:59
 */
let h: VolunteeringHarness;
let a: string;
const admin = viewer(['ADMIN']);

const sh = (local: string) => new Date(`${local}+08:00`);

async function team(communityId: string, name: string, formed: string) {
  const { createTeam } = ok(await h.request(`mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }`, { input: { communityId, name, kind: 'OTHER', leader: '队长' } }, admin));
  await h.dataSource.query(`UPDATE volunteering.volunteer_team SET created_at = $2 WHERE id = $1`, [createTeam.id, sh(formed)]);
  return createTeam.id as string;
}

async function volunteer(teamId: string, joined: string) {
  const { addVolunteer } = ok(
    await h.request(`mutation($t: ID!, $input: AddVolunteerInput!) { addVolunteer(teamId: $t, input: $input) { id } }`, { t: teamId, input: { name: '志愿者', isPartyMember: false } }, admin),
  );
  await h.dataSource.query(`UPDATE volunteering.volunteer SET joined_at = $2 WHERE id = $1`, [addVolunteer.id, sh(joined)]);
}

async function activity(teamId: string, held: string, beneficiaries: number, volunteerHours: number) {
  ok(
    await h.request(
      `mutation($input: RecordActivityInput!) { recordActivity(input: $input) { id } }`,
      { input: { teamId, title: '活动', heldAt: `${held}+08:00`, beneficiaries, volunteerHours } },
      admin,
    ),
  );
}

async function checkIn(communityId: string, at: string) {
  const { checkInCadre } = ok(
    await h.request(`mutation($input: CheckInCadreInput!) { checkInCadre(input: $input) { id } }`, { input: { communityId, cadreName: '干部', workUnit: '胶州市民政局' } }, admin),
  );
  await h.dataSource.query(`UPDATE volunteering.cadre_check_in SET checked_in_at = $2 WHERE id = $1`, [checkInCadre.id, sh(at)]);
}

const FIELDS = 'scope from to volunteerTeams volunteers activities beneficiaries volunteerHours cadresCheckedIn';
const OVERVIEWS = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Overview { ${FIELDS} } } }`;
const rep = (scope: string, from: string, to: string) => ({ __typename: 'Overview', scope, from, to });

beforeAll(async () => {
  h = await startVolunteering();
  a = (await h.createCommunity('甲社区', '三里河街道')).id;
  const b = (await h.createCommunity('乙社区', '三里河街道')).id;
  const c = (await h.createCommunity('丙社区', '胶东街道')).id;

  const a1 = await team(a, '甲一队', '2025-01-10T09:00:00');
  const a2 = await team(a, '甲二队', '2025-06-10T09:00:00');
  const tb = await team(b, '乙队', '2025-02-01T09:00:00');
  const tc = await team(c, '丙队', '2025-03-01T09:00:00');
  await volunteer(a1, '2025-01-15T10:00:00');
  await volunteer(a1, '2025-07-01T10:00:00');
  await volunteer(a2, '2025-06-15T10:00:00');
  await volunteer(tb, '2025-02-02T10:00:00');
  await volunteer(tc, '2025-03-02T10:00:00');
  await volunteer(tc, '2025-03-03T10:00:00');
  await activity(a1, '2025-03-01T10:00:00', 10, 2.5);
  await activity(a1, '2025-05-31T23:30:00', 5, 1);
  await activity(a1, '2025-06-01T00:10:00', 7, 3);
  await activity(tb, '2025-04-01T09:00:00', 20, 4);
  await activity(tc, '2025-04-02T09:00:00', 30, 6);
  await activity(tc, '2024-12-31T23:00:00', 1, 1);
  await checkIn(a, '2025-02-01T08:00:00');
  await checkIn(a, '2025-05-31T23:59:00');
  await checkIn(a, '2025-06-01T00:00:00');
  await checkIn(b, '2025-03-01T08:00:00');
  await checkIn(c, '2024-12-31T23:59:59');
});
afterAll(() => h?.stop());

describe('Overview (volunteering fields)', () => {
  it('counts by community, subdistrict and city, with Shanghai-day bounds', async () => {
    const r = [rep(a, '2025-01-01', '2025-05-31'), rep('三里河街道', '2025-01-01', '2025-05-31'), rep('city', '2025-01-01', '2025-05-31'), rep('city', '2024-01-01', '2025-12-31')];
    const [community, subdistrict, city, all] = ok(await h.request(OVERVIEWS, { r }))._entities;
    expect(community).toEqual({ scope: a, from: '2025-01-01', to: '2025-05-31', volunteerTeams: 1, volunteers: 1, activities: 2, beneficiaries: 15, volunteerHours: 3.5, cadresCheckedIn: 2 });
    expect(subdistrict).toMatchObject({ scope: '三里河街道', volunteerTeams: 2, volunteers: 2, activities: 3, beneficiaries: 35, volunteerHours: 7.5, cadresCheckedIn: 3 });
    expect(city).toMatchObject({ scope: 'city', volunteerTeams: 3, volunteers: 4, activities: 4, beneficiaries: 65, volunteerHours: 13.5, cadresCheckedIn: 3 });
    expect(all).toMatchObject({ volunteerTeams: 4, volunteers: 6, activities: 6, beneficiaries: 73, volunteerHours: 17.5, cadresCheckedIn: 5 });
  });

  it('answers zeros for a scope with no rows', async () => {
    const [unknownSubdistrict, unknownCommunity] = ok(await h.request(OVERVIEWS, { r: [rep('不存在街道', '2025-01-01', '2025-12-31'), rep(randomUUID(), '2025-01-01', '2025-12-31')] }))._entities;
    for (const o of [unknownSubdistrict, unknownCommunity]) {
      expect(o).toMatchObject({ volunteerTeams: 0, volunteers: 0, activities: 0, beneficiaries: 0, volunteerHours: 0, cadresCheckedIn: 0 });
    }
  });

  it('costs one SQL statement however many Overviews one request asks for', async () => {
    const run = async (n: number) => {
      const r = Array.from({ length: n }, (_, i) => rep(i % 3 === 0 ? 'city' : i % 3 === 1 ? '三里河街道' : a, `2025-0${1 + (i % 5)}-01`, '2025-12-31'));
      h.counter.reset();
      const data = ok(await h.request(OVERVIEWS, { r }));
      expect(data._entities).toHaveLength(n);
      return h.counter.count;
    };
    expect(await run(1)).toBe(1);
    expect(await run(12)).toBe(1);
  });

  it('refuses a malformed key with the field named, without failing its neighbours', async () => {
    const cases: [Record<string, unknown>, string][] = [
      [rep('city', '2025-13-01', '2025-12-31'), 'from'],
      [rep('city', '2025-01-01', '31/12/2025'), 'to'],
      [rep('city', '2025-06-01', '2025-05-31'), 'to'],
      [rep('city', '2019-01-01', '2025-01-01'), 'from'],
      [rep('city', '2020-01-01', '2025-01-01'), 'from'],
      [rep('', '2025-01-01', '2025-12-31'), 'scope'],
    ];
    for (const [bad, field] of cases) {
      const res = await h.request(OVERVIEWS, { r: [bad, rep('city', '2025-01-01', '2025-05-31')] });
      expect(errorOf(res)).toMatchObject({ code: 'BAD_USER_INPUT', field });
      expect(res.data?._entities?.[1]).toMatchObject({ volunteerTeams: 3 });
    }
    // The longest range the sessions subgraph's `overview` hands out is still accepted.
    ok(await h.request(OVERVIEWS, { r: [rep('city', '2020-01-01', '2024-12-31')] }));
  });
});
