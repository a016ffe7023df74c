import { rowsByKeys } from '@plaza/shared';
import { rowsByKeysAndFind } from '@plaza/shared/testing';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
import { seedDemo } from '../src/seed/demo.seed';
import { Community } from '../src/community/community.entity';
import { Grid } from '../src/community/grid.entity';
import { Session } from '../src/session/session.entity';
import { TopicProposal } from '../src/topic/topic.entity';
import { startSessions, type SessionsHarness } from './harness';

let h: SessionsHarness;
beforeAll(async () => {
  h = await startSessions();
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
  it('reads each entity exactly as repository.find does (class, values, order)', async () => {
    await sameAsFind(Community, 'id');
    await sameAsFind(Grid, 'id');
    await sameAsFind(Grid, 'communityId', [['name', 'ASC']]);
    await sameAsFind(Session, 'id');
    await sameAsFind(Session, 'themeId', [
      ['scheduledAt', 'DESC'],
      ['id', 'DESC'],
    ]);
    await sameAsFind(TopicProposal, 'id');
  });

  it('counts its statements and answers unknown keys with nothing', async () => {
    h.counter.reset();
    expect(await rowsByKeys(h.dataSource, Community)(['00000000-0000-0000-0000-000000000000'])).toEqual([]);
    expect(h.counter.count).toBe(1);
  });

  it('reads the rows of per-parent pages (partitionedKeysetPage) by key too', async () => {
    const ids: string[] = (await h.dataSource.query(`SELECT id FROM sessions.community ORDER BY name LIMIT 3`)).map((r: { id: string }) => r.id);
    const reps = ids.map((id) => ({ __typename: 'Community', id }));
    h.counter.reset();
    const res = await h.request(`query($r: [_Any!]!) { _entities(representations: $r) { ... on Community { sessions(first: 2) { totalCount edges { node { id title } } } } } }`, { r: reps });
    expect(res.errors).toBeUndefined();
    expect(res.data._entities.every((c: { sessions: { edges: unknown[] } }) => c.sessions.edges.length === 2)).toBe(true);
    expect(h.counter.recent.filter((q) => /FROM "sessions"\."session" WHERE "id" = ANY\(\$1::uuid\[\]\)/.test(q))).toHaveLength(1);
  });
});
