import { rowsByKeys } from '@plaza/shared';
import { In, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { seedDemo } from '../src/seed/demo.seed';
import { Issue } from '../src/issue/issue.entity';
import { Evaluation, Feedback, Outcome } from '../src/issue/feedback.entity';
import { LedgerEntry } from '../src/issue/ledger-entry.entity';
import { Plan } from '../src/votes/plan.entity';
import { startIssues, type IssuesHarness } from './harness';

let h: IssuesHarness;
beforeAll(async () => {
  h = await startIssues();
  await seedDemo(h.dataSource);
}, 60_000);
afterAll(() => h?.stop());

/** The loaders behind `_entities` and an issue's lists read rows without typeorm's find: they must be what find gives. */
async function sameAsFind<T extends ObjectLiteral>(entity: EntityTarget<T>, key: keyof T & string, order: [keyof T & string, 'ASC' | 'DESC'][] = []) {
  const keys: string[] = (await h.dataSource.getRepository(entity).find()).map((r) => r[key]).filter((k) => k != null);
  const some = [...new Set(keys)].slice(0, 40);
  expect(some.length).toBeGreaterThan(1);
  const fast = await rowsByKeys(h.dataSource, entity, { key, order })(some);
  const slow = await h.dataSource.getRepository(entity).find({ where: { [key]: In(some) } as never, order: Object.fromEntries(order) as never });
  if (!order.length) (fast.sort((a, b) => String(a.id).localeCompare(String(b.id))), slow.sort((a, b) => String(a.id).localeCompare(String(b.id))));
  expect(fast.length).toBe(slow.length);
  expect(fast).toStrictEqual(slow);
}

describe('rowsByKeys', () => {
  it('reads each entity exactly as repository.find does (class, values incl. dates, order)', async () => {
    await sameAsFind(Issue, 'id');
    await sameAsFind(Plan, 'id');
    await sameAsFind(Plan, 'issueId', [
      ['proposedAt', 'ASC'],
      ['id', 'ASC'],
    ]);
    await sameAsFind(LedgerEntry, 'issueId', [
      ['createdAt', 'ASC'],
      ['id', 'ASC'],
    ]);
    await sameAsFind(Feedback, 'issueId', [
      ['givenAt', 'ASC'],
      ['id', 'ASC'],
    ]);
    await sameAsFind(Evaluation, 'issueId', [
      ['evaluatedAt', 'ASC'],
      ['id', 'ASC'],
    ]);
    await sameAsFind(Outcome, 'issueId', [['position', 'ASC']]);
  });
});
