import { firstRowsByKeys } from '@plaza/shared';
import { rowsByKeysAndFind } from '@plaza/shared/testing';
import { In, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { IssueEvent } from '../src/issue-event/issue-event.entity';
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

describe('firstRowsByKeys', () => {
  /** What it must equal: every event of those requests by find, then per request the first `limit` after `after`, by seq. */
  async function byFind(ids: string[], after: number, limit: number) {
    const all = await h.dataSource.getRepository(IssueEvent).find({ where: { issueId: In(ids) }, order: { seq: 'ASC' } });
    const kept = new Map<string, number>();
    return all.filter((e) => {
      if (Number(e.seq) <= after) return false;
      const n = kept.get(e.issueId) ?? 0;
      kept.set(e.issueId, n + 1);
      return n < limit;
    });
  }

  it("reads each request's first page of events exactly as find does (class, values, order, cursor, limit per request)", async () => {
    const read = firstRowsByKeys(h.dataSource, IssueEvent, { key: 'issueId', seek: 'seq' });
    const counts: { issue_id: string; n: number }[] = await h.dataSource.query(
      `SELECT issue_id, count(*)::int AS n FROM issues.issue_event GROUP BY issue_id HAVING count(*) > 2 ORDER BY count(*) DESC, issue_id LIMIT 6`,
    );
    expect(counts.length).toBeGreaterThan(2);
    const ids = counts.map((c) => c.issue_id);
    const seqs = (await byFind(ids, 0, 1_000_000)).map((e) => Number(e.seq));
    const middle = seqs[Math.floor(seqs.length / 2)]!;
    for (const [after, limit] of [
      [0, 1_000_000],
      [0, 2],
      [middle, 3],
      [middle, 1],
    ] as const) {
      const fast = await read([...ids, ids[0]!], after, limit);
      const slow = await byFind(ids, after, limit);
      expect(fast.length).toBeGreaterThan(0);
      expect(fast).toStrictEqual(slow);
      expect(fast.map((e) => e.cursor)).toStrictEqual(slow.map((e) => e.cursor));
    }
    // A page cut short per request: no request contributes more than `limit` rows.
    const two = await read(ids, 0, 2);
    expect(Math.max(...ids.map((id) => two.filter((e) => e.issueId === id).length))).toBe(2);
    expect(await read([], 0, 5)).toStrictEqual([]);
    expect(await read(ids, 0, 0)).toStrictEqual([]);
  });
});
