import { randomUUID } from 'node:crypto';
import { errorOf, ok, viewer } from '@plaza/shared/testing';
import { startVolunteering, type VolunteeringHarness } from './harness';

let h: VolunteeringHarness;
let fangjing: { id: string; subdistrict: string };
let other: { id: string; subdistrict: string };
const admin = viewer(['ADMIN']);
let staff: ReturnType<typeof viewer>;
let otherStaff: ReturnType<typeof viewer>;

beforeAll(async () => {
  h = await startVolunteering();
  fangjing = await h.createCommunity('方井社区', '三里河街道');
  other = await h.createCommunity('宋城美域社区', '阜安街道');
  staff = viewer(['STAFF'], [fangjing.id]);
  otherStaff = viewer(['STAFF'], [other.id]);
});
afterAll(() => h?.stop());

const CREATE = `mutation($input: CreateTeamInput!) { createTeam(input: $input) { id name kind leader memberCount community { id } } }`;
const ADD = `mutation($t: ID!, $input: AddVolunteerInput!) { addVolunteer(teamId: $t, input: $input) { id name isPartyMember joinedAt team { id name } } }`;
const teamInput = (over: Record<string, unknown> = {}) => ({ communityId: fangjing.id, name: '青年先锋队', kind: 'YOUTH_VANGUARD', leader: '李明', ...over });
const countRows = async (table: string) => Number((await h.dataSource.query(`SELECT count(*) AS n FROM volunteering.${table}`))[0].n);

describe('teams and volunteers', () => {
  let teamId: string;

  it('STAFF of the community creates a team, adds volunteers; anyone reads them', async () => {
    const { createTeam } = ok(await h.request(CREATE, { input: teamInput({ name: ' 青年先锋队 ', leader: ' 李明 ' }) }, staff));
    expect(createTeam).toMatchObject({ name: '青年先锋队', kind: 'YOUTH_VANGUARD', leader: '李明', memberCount: 0, community: { id: fangjing.id } });
    teamId = createTeam.id;
    const [row] = await h.dataSource.query(`SELECT community_id, subdistrict FROM volunteering.volunteer_team WHERE id = $1`, [teamId]);
    expect(row).toEqual({ community_id: fangjing.id, subdistrict: '三里河街道' });

    const { addVolunteer } = ok(await h.request(ADD, { t: teamId, input: { name: '王芳', isPartyMember: true } }, staff));
    expect(addVolunteer).toMatchObject({ name: '王芳', isPartyMember: true, team: { id: teamId, name: '青年先锋队' } });
    expect(new Date(addVolunteer.joinedAt).getTime()).toBeLessThanOrEqual(Date.now());
    ok(await h.request(ADD, { t: teamId, input: { name: '赵强', isPartyMember: false } }, admin));

    const { volunteerTeam } = ok(await h.request(`query($id: ID!) { volunteerTeam(id: $id) { name memberCount members { totalCount edges { node { name isPartyMember } } } } }`, { id: teamId }));
    expect(volunteerTeam).toEqual({
      name: '青年先锋队',
      memberCount: 2,
      members: { totalCount: 2, edges: [{ node: { name: '王芳', isPartyMember: true } }, { node: { name: '赵强', isPartyMember: false } }] },
    });
    expect(ok(await h.request(`{ volunteerTeam(id: "nope") { id } }`)).volunteerTeam).toBeNull();
  });

  it('refuses bad input with the field named, writing nothing', async () => {
    const before = await countRows('volunteer_team');
    const cases: [Record<string, unknown>, string, string][] = [
      [{ name: '   ' }, 'BAD_USER_INPUT', 'input.name'],
      [{ name: '队'.repeat(51) }, 'BAD_USER_INPUT', 'input.name'],
      [{ leader: '' }, 'BAD_USER_INPUT', 'input.leader'],
      [{ name: '青年先锋队' }, 'BAD_USER_INPUT', 'input.name'], // already exists in this community
      [{ communityId: randomUUID(), name: '新队' }, 'NOT_FOUND', 'input.communityId'],
      [{ communityId: 'not-a-uuid', name: '新队' }, 'NOT_FOUND', 'input.communityId'],
    ];
    for (const [over, code, field] of cases) {
      expect(errorOf(await h.request(CREATE, { input: teamInput(over) }, admin))).toMatchObject({ code, field });
    }
    const badKind = await h.request(CREATE, { input: teamInput({ name: '新队', kind: 'KNITTING' }) }, admin);
    expect(errorOf(badKind).code).toBe('BAD_USER_INPUT');
    expect(await countRows('volunteer_team')).toBe(before);

    const members = await countRows('volunteer');
    expect(errorOf(await h.request(ADD, { t: teamId, input: { name: ' ', isPartyMember: true } }, staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'input.name' });
    expect(errorOf(await h.request(ADD, { t: randomUUID(), input: { name: '某人', isPartyMember: true } }, staff))).toMatchObject({ code: 'NOT_FOUND', field: 'teamId' });
    expect(await countRows('volunteer')).toBe(members);
  });

  it('checks roles: anonymous, RESIDENT, STAFF of another community', async () => {
    const before = [await countRows('volunteer_team'), await countRows('volunteer'), await countRows('cadre_check_in')];
    expect(errorOf(await h.request(CREATE, { input: teamInput({ name: '医疗队' }) })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(CREATE, { input: teamInput({ name: '医疗队' }) }, viewer(['RESIDENT']))).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(CREATE, { input: teamInput({ name: '医疗队' }) }, otherStaff)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(CREATE, { input: teamInput({ name: '医疗队' }) }, viewer(['ANALYST']))).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(ADD, { t: teamId, input: { name: '某人', isPartyMember: false } })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(ADD, { t: teamId, input: { name: '某人', isPartyMember: false } }, otherStaff)).code).toBe('FORBIDDEN');
    const checkIn = `mutation($input: CheckInCadreInput!) { checkInCadre(input: $input) { id } }`;
    const input = { communityId: fangjing.id, cadreName: '张伟', workUnit: '胶州市民政局' };
    expect(errorOf(await h.request(checkIn, { input })).code).toBe('UNAUTHENTICATED');
    expect(errorOf(await h.request(checkIn, { input }, otherStaff)).code).toBe('FORBIDDEN');
    expect(errorOf(await h.request(checkIn, { input }, viewer(['RESIDENT']))).code).toBe('FORBIDDEN');
    expect([await countRows('volunteer_team'), await countRows('volunteer'), await countRows('cadre_check_in')]).toEqual(before);
  });

  it('pages teams by community and kind with opaque cursors', async () => {
    for (const [name, kind] of [
      ['敬老队', 'ELDERLY_CARE'],
      ['义诊队', 'MEDICAL'],
      ['助学队', 'EDUCATION'],
      ['夕阳红', 'ELDERLY_CARE'],
    ]) {
      ok(await h.request(CREATE, { input: teamInput({ name, kind }) }, staff));
    }
    ok(await h.request(CREATE, { input: teamInput({ communityId: other.id, name: '外社区队', kind: 'ELDERLY_CARE' }) }, otherStaff));

    const PAGE = `query($c: ID, $k: TeamKind, $first: Int, $after: String) { volunteerTeams(communityId: $c, kind: $k, first: $first, after: $after) {
      totalCount pageInfo { hasNextPage endCursor } edges { cursor node { name } } } }`;
    const names: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 5; i++) {
      const page: any = ok(await h.request(PAGE, { c: fangjing.id, first: 2, after })).volunteerTeams;
      expect(page.totalCount).toBe(5);
      names.push(...page.edges.map((e: any) => e.node.name));
      after = page.pageInfo.endCursor;
      if (!page.pageInfo.hasNextPage) break;
    }
    // Formation order; rows made within one millisecond fall back to id order.
    const expected = await h.dataSource.query(`SELECT name FROM volunteering.volunteer_team WHERE community_id = $1 ORDER BY created_at, id`, [fangjing.id]);
    expect(names).toEqual(expected.map((r: { name: string }) => r.name));
    expect([...names].sort()).toEqual(['青年先锋队', '敬老队', '义诊队', '助学队', '夕阳红'].sort());

    const elderly = ok(await h.request(PAGE, { k: 'ELDERLY_CARE', first: 10 })).volunteerTeams;
    expect(elderly.edges.map((e: any) => e.node.name).sort()).toEqual(['敬老队', '夕阳红', '外社区队'].sort());
    expect(ok(await h.request(PAGE, { c: 'not-a-uuid' })).volunteerTeams.totalCount).toBe(0);

    expect(errorOf(await h.request(PAGE, { first: 101 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await h.request(PAGE, { first: -1 }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'first' });
    expect(errorOf(await h.request(PAGE, { after: 'garbage' }))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'after' });
  });

  it('pages members within a team', async () => {
    for (const name of ['甲', '乙', '丙']) ok(await h.request(ADD, { t: teamId, input: { name, isPartyMember: false } }, staff));
    const Q = `query($id: ID!, $after: String) { volunteerTeam(id: $id) { members(first: 2, after: $after) { totalCount pageInfo { hasNextPage endCursor } edges { node { name } } } } }`;
    const p1 = ok(await h.request(Q, { id: teamId })).volunteerTeam.members;
    const p2 = ok(await h.request(Q, { id: teamId, after: p1.pageInfo.endCursor })).volunteerTeam.members;
    const p3 = ok(await h.request(Q, { id: teamId, after: p2.pageInfo.endCursor })).volunteerTeam.members;
    const names = [p1, p2, p3].flatMap((p: any) => p.edges.map((e: any) => e.node.name));
    const expected = await h.dataSource.query(`SELECT name FROM volunteering.volunteer WHERE team_id = $1 ORDER BY joined_at, id`, [teamId]);
    expect(names).toEqual(expected.map((r: { name: string }) => r.name));
    expect([...names].sort()).toEqual(['王芳', '赵强', '甲', '乙', '丙'].sort());
    expect([p1.pageInfo.hasNextPage, p2.pageInfo.hasNextPage, p3.pageInfo.hasNextPage]).toEqual([true, true, false]);
    expect(p1.totalCount).toBe(5);
  });

  it('adds volunteerTeams to Community through federation', async () => {
    const res = await h.request(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Community { id volunteerTeams { name } } } }`, {
      r: [
        { __typename: 'Community', id: other.id },
        { __typename: 'Community', id: randomUUID() },
      ],
    });
    expect(ok(res)._entities).toEqual([
      { id: other.id, volunteerTeams: [{ name: '外社区队' }] },
      { id: expect.any(String), volunteerTeams: [] },
    ]);
  });

  it('rejects calls that did not come through the gateway', async () => {
    const res = await fetch(h.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ volunteerTeams { totalCount } }' }) });
    expect(res.status).toBe(401);
  });
});

describe('assignTeamToIssue', () => {
  it('is idempotent, checks the issue and the role, and shows in Issue.assistingTeams', async () => {
    const team = ok(await h.request(CREATE, { input: teamInput({ name: '法律援助队', kind: 'LEGAL_AID' }) }, staff)).createTeam;
    const issueId = randomUUID();
    const foreignIssue = randomUUID();
    h.directory.issues.set(issueId, { id: issueId, communityId: fangjing.id });
    h.directory.issues.set(foreignIssue, { id: foreignIssue, communityId: other.id });
    const ASSIGN = `mutation($t: ID!, $i: ID!) { assignTeamToIssue(teamId: $t, issueId: $i) { id name } }`;

    expect(ok(await h.request(ASSIGN, { t: team.id, i: issueId }, staff)).assignTeamToIssue).toEqual({ id: team.id, name: '法律援助队' });
    expect(ok(await h.request(ASSIGN, { t: team.id, i: issueId }, staff)).assignTeamToIssue.id).toBe(team.id);
    expect(Number((await h.dataSource.query(`SELECT count(*) AS n FROM volunteering.team_assignment WHERE issue_id = $1`, [issueId]))[0].n)).toBe(1);

    expect(errorOf(await h.request(ASSIGN, { t: team.id, i: issueId }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    expect(errorOf(await h.request(ASSIGN, { t: team.id, i: issueId }, otherStaff))).toMatchObject({ code: 'FORBIDDEN' });
    expect(errorOf(await h.request(ASSIGN, { t: team.id, i: randomUUID() }, staff))).toMatchObject({ code: 'NOT_FOUND', field: 'issueId' });
    expect(errorOf(await h.request(ASSIGN, { t: randomUUID(), i: issueId }, staff))).toMatchObject({ code: 'NOT_FOUND', field: 'teamId' });
    expect(errorOf(await h.request(ASSIGN, { t: team.id, i: foreignIssue }, staff))).toMatchObject({ code: 'BAD_USER_INPUT', field: 'issueId' });

    const res = await h.request(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Issue { id assistingTeams { name kind } } } }`, {
      r: [
        { __typename: 'Issue', id: issueId },
        { __typename: 'Issue', id: foreignIssue },
      ],
    });
    expect(ok(res)._entities).toEqual([
      { id: issueId, assistingTeams: [{ name: '法律援助队', kind: 'LEGAL_AID' }] },
      { id: foreignIssue, assistingTeams: [] },
    ]);
  });
});
