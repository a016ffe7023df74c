import { rowsByKeysAndFind } from '@plaza/shared/testing';
import type { EntityTarget, ObjectLiteral } from 'typeorm';
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
  const { keys, fast, slow } = await rowsByKeysAndFind(h.dataSource, entity, key, order);
  expect(keys).toBeGreaterThan(1);
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
