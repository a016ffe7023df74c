import { ok, viewer } from '@plaza/shared/testing';
import { startVolunteering, type VolunteeringHarness } from './harness';

let h: VolunteeringHarness;
let communityIds: string[];

/** 60 teams over 3 communities, each with members and activities, so every page is full. */
beforeAll(async () => {
  h = await startVolunteering();
  communityIds = [];
  for (const name of ['甲社区', '乙社区', '丙社区']) communityIds.push((await h.createCommunity(name)).id);
  const admin = viewer(['ADMIN']);
  for (let i = 0; i < 60; i++) {
    const communityId = communityIds[i % 3]!;
    const team = ok(
      await h.request(`mutation($input: CreateTeamInput!) { createTeam(input: $input) { id } }`, { input: { communityId, name: `服务队${i}`, kind: 'OTHER', leader: '队长' } }, admin),
    ).createTeam;
    // Bulk rows straight into this service's own tables: the API path is covered elsewhere.
    await h.dataSource.query(`INSERT INTO volunteering.volunteer (team_id, name, is_party_member) SELECT $1, '志愿者' || g, g % 2 = 0 FROM generate_series(1, 4) g`, [team.id]);
    await h.dataSource.query(
      `INSERT INTO volunteering.activity (team_id, community_id, subdistrict, title, held_at, beneficiaries, volunteer_hours)
       SELECT $1, $2, '三里河街道', '活动' || g, now() - g * interval '1 day', 10, 2 FROM generate_series(1, 4) g`,
      [team.id, communityId],
    );
  }
});
afterAll(() => h?.stop());

const QUERY = `query($first: Int) { volunteerTeams(first: $first) { totalCount edges { node {
  name memberCount community { id }
  members(first: 3) { totalCount }
  activities(first: 3) { edges { node { title team { name } community { id } } } }
} } } }`;

async function statementsFor(first: number) {
  h.counter.reset();
  const data = ok(await h.request(QUERY, { first }));
  return { count: h.counter.count, teams: data.volunteerTeams.edges };
}

it('costs the same number of SQL statements for 5 teams as for 50', async () => {
  const five = await statementsFor(5);
  const fifty = await statementsFor(50);
  expect(five.teams).toHaveLength(5);
  expect(fifty.teams).toHaveLength(50);
  expect(fifty.teams[49].node).toMatchObject({ memberCount: 4, members: { totalCount: 4 } });
  expect(fifty.teams[49].node.activities.edges).toHaveLength(3);
  expect(fifty.count).toBe(five.count);
  // page + total, memberCount, members (3), activities (3); team of an activity comes from the loader.
  expect(five.count).toBeLessThanOrEqual(10);
});

it('batches the fields added to other subgraphs’ entities', async () => {
  const Q = `query($r: [_Any!]!) { _entities(representations: $r) { ... on Community { volunteerTeams { name memberCount } cadreCheckIns(first: 2) { totalCount } } } }`;
  const run = async (n: number) => {
    h.counter.reset();
    const r = communityIds.slice(0, n).map((id) => ({ __typename: 'Community', id }));
    ok(await h.request(Q, { r }));
    return h.counter.count;
  };
  expect(await run(1)).toBe(await run(3));
});
