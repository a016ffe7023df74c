import { rowsByKeysAndFind } from '@plaza/shared/testing';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
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
  const { keys, fast, slow } = await rowsByKeysAndFind(h.dataSource, entity, key, order);
  expect(keys).toBeGreaterThan(1);
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
