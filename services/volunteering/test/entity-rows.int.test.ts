import { rowsByKeys } from '@plaza/shared';
import { In, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { seedDemo } from '../src/seed/demo.seed';
import { Activity } from '../src/activity/activity.entity';
import { TeamAssignment } from '../src/team/team-assignment.entity';
import { VolunteerTeam } from '../src/team/team.entity';
import { startVolunteering, type VolunteeringHarness } from './harness';

let h: VolunteeringHarness;
beforeAll(async () => {
  h = await startVolunteering();
  await seedDemo(h.dataSource);
}, 60_000);
afterAll(() => h?.stop());

/** The loaders behind `_entities` read rows without typeorm's find: they must be what find gives. */
async function sameAsFind<T extends ObjectLiteral>(entity: EntityTarget<T>, key: keyof T & string, order: [keyof T & string, 'ASC' | 'DESC'][] = []) {
  const keys: string[] = (await h.dataSource.getRepository(entity).find()).map((r) => r[key]).filter((k) => k != null);
  const some = [...new Set(keys)].slice(0, 40);
  expect(some.length).toBeGreaterThan(1);
  const fast = await rowsByKeys(h.dataSource, entity, { key, order })(some);
  const slow = await h.dataSource.getRepository(entity).find({ where: { [key]: In(some) } as never, order: Object.fromEntries(order) as never });
  const byId = (a: T, b: T) => String(a.id ?? a.issueId + a.teamId).localeCompare(String(b.id ?? b.issueId + b.teamId));
  if (!order.length) (fast.sort(byId), slow.sort(byId));
  expect(fast.length).toBe(slow.length);
  expect(fast).toStrictEqual(slow);
}

describe('rowsByKeys', () => {
  it('reads each entity exactly as repository.find does (class, values incl. enums and floats, order)', async () => {
    await sameAsFind(VolunteerTeam, 'id');
    await sameAsFind(VolunteerTeam, 'communityId', [
      ['createdAt', 'ASC'],
      ['id', 'ASC'],
    ]);
    await sameAsFind(Activity, 'id');
    await sameAsFind(Activity, 'sessionId', [
      ['heldAt', 'DESC'],
      ['id', 'DESC'],
    ]);
    await sameAsFind(TeamAssignment, 'issueId', [
      ['assignedAt', 'ASC'],
      ['teamId', 'ASC'],
    ]);
  });
});
