import 'reflect-metadata';
import { migrate } from '@plaza/shared';
import { createTestDatabase, type TestDatabase } from '@plaza/shared/testing';
import type { DataSource } from 'typeorm';
import { createIssuesDataSource, SCHEMA } from '../src/data-source';
import { isIssueOverdue, isOverdue, overdueIssueSql, overdueLedgerSql } from '../src/issue/issue.rules';
import { OVERDUE_CASES, OVERDUE_TODAY } from '../src/issue/overdue.cases';
import { sweepOverdue } from '../src/overdue/overdue.job';
import { LedgerStatus } from '../src/issue/issue.enums';

// The overdue rule lives twice: a predicate (resolvers) and SQL (the filter, the overview, the
// sweep). Here the SQL runs over real rows built from the predicate's own table of cases.
let db: TestDatabase;
let ds: DataSource;
/** ledger entry id -> its case index; one issue per case, plus one issue holding every case. */
const entryCase = new Map<string, number>();
const issueCases = new Map<string, number[]>();

const insertIssue = async (): Promise<string> => {
  const [row] = await ds.query(`INSERT INTO issues.issue (title, description, category, community_id, subdistrict) VALUES ('t', 'd', 'OTHER', gen_random_uuid(), 's') RETURNING id`);
  return row.id;
};
const insertEntry = async (issueId: string, k: number): Promise<void> => {
  const c = OVERDUE_CASES[k]!;
  const [row] = await ds.query(`INSERT INTO issues.ledger_entry (issue_id, measure, responsible_person, responsible_unit, deadline, status) VALUES ($1, $2, 'p', 'u', $3, $4) RETURNING id`, [
    issueId,
    `case ${k}`,
    c.deadline,
    c.status,
  ]);
  entryCase.set(row.id, k);
};

beforeAll(async () => {
  db = await createTestDatabase('issues_overdue_rule');
  ds = createIssuesDataSource(db.url);
  await ds.initialize();
  await migrate(ds, SCHEMA);
  for (let k = 0; k < OVERDUE_CASES.length; k++) {
    const issueId = await insertIssue();
    await insertEntry(issueId, k);
    issueCases.set(issueId, [k]);
  }
  const all = await insertIssue();
  for (let k = 0; k < OVERDUE_CASES.length; k++) await insertEntry(all, k);
  issueCases.set(
    all,
    OVERDUE_CASES.map((_, k) => k),
  );
  issueCases.set(await insertIssue(), []);
});
afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

const today = `CAST($1 AS date)`;

it('overdueLedgerSql marks exactly the entries isOverdue marks', async () => {
  const rows: { id: string; overdue: boolean }[] = await ds.query(`SELECT l.id, ${overdueLedgerSql('l', today)} AS overdue FROM issues.ledger_entry l`, [OVERDUE_TODAY]);
  expect(rows).toHaveLength(2 * OVERDUE_CASES.length);
  for (const r of rows) {
    const c = OVERDUE_CASES[entryCase.get(r.id)!]!;
    expect({ ...c, sql: r.overdue }).toEqual({ ...c, sql: isOverdue(c, OVERDUE_TODAY) });
  }
});

it('overdueIssueSql marks exactly the requests isIssueOverdue marks', async () => {
  const rows: { id: string; overdue: boolean }[] = await ds.query(`SELECT i.id, ${overdueIssueSql('i', today)} AS overdue FROM issues.issue i`, [OVERDUE_TODAY]);
  expect(rows).toHaveLength(issueCases.size);
  for (const r of rows) {
    const cases = issueCases.get(r.id)!.map((k) => OVERDUE_CASES[k]!);
    expect({ cases, sql: r.overdue }).toEqual({ cases, sql: isIssueOverdue(cases, OVERDUE_TODAY) });
  }
});

it('the sweep stores OVERDUE on exactly the OPEN entries isOverdue marks, and leaves the rest as they were', async () => {
  // Noon in Asia/Shanghai on OVERDUE_TODAY.
  await sweepOverdue(ds, new Date(`${OVERDUE_TODAY}T12:00:00+08:00`));
  const rows: { id: string; status: LedgerStatus }[] = await ds.query(`SELECT id, status FROM issues.ledger_entry`);
  for (const r of rows) {
    const c = OVERDUE_CASES[entryCase.get(r.id)!]!;
    const expected = c.status === LedgerStatus.OPEN && isOverdue(c, OVERDUE_TODAY) ? LedgerStatus.OVERDUE : c.status;
    expect({ ...c, stored: r.status }).toEqual({ ...c, stored: expected });
  }
});
