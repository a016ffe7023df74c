import { isStaffOf, type Viewer } from '@plaza/shared';
import { LedgerStatus } from './issue.enums';

/** What the rules read of a ledger entry: its stored status and its deadline day (YYYY-MM-DD, Asia/Shanghai). */
export interface LedgerFacts {
  status: LedgerStatus | `${LedgerStatus}`;
  deadline: string;
}

export const isLedgerDone = (e: LedgerFacts): boolean => e.status === LedgerStatus.DONE;

/**
 * Overdue: not done, and its deadline day ended before `today` (YYYY-MM-DD, Asia/Shanghai), whether
 * or not the sweep has marked it yet. ISO days compare as strings. `overdueLedgerSql` is the same
 * rule for PostgreSQL; issue.rules.int.test.ts runs both over one table of cases.
 */
export const isOverdue = (e: LedgerFacts, today: string): boolean => !isLedgerDone(e) && e.deadline < today;

/** `isOverdue` as an SQL condition over the ledger_entry alias `l`; `today` is an SQL expression of type date. */
export const overdueLedgerSql = (l: string, today: string): string => `(${l}.status <> 'DONE' AND ${l}.deadline < ${today})`;

/** A request is overdue while any of its ledger entries is. */
export const isIssueOverdue = (ledger: readonly LedgerFacts[], today: string): boolean => ledger.some((e) => isOverdue(e, today));

/** `isIssueOverdue` in SQL for the issue alias `i`. */
export const overdueIssueSql = (i: string, today: string): string => `EXISTS (SELECT 1 FROM issues.ledger_entry l WHERE l.issue_id = ${i}.id AND ${overdueLedgerSql('l', today)})`;

/** The status a client sees: an OPEN entry past its deadline reads OVERDUE before the sweep stores it. */
export const ledgerStatusSeen = (e: { status: LedgerStatus; deadline: string }, today: string): LedgerStatus =>
  e.status === LedgerStatus.OPEN && isOverdue(e, today) ? LedgerStatus.OVERDUE : e.status;

/**
 * The reporter, or STAFF of the request's community: who may read the reporter's contact (personal
 * data) and who may evaluate the outcome on the reporter's behalf.
 */
export const canSeeReporter = (v: Viewer, issue: { reporterId: string | null; communityId: string }): boolean => (v.id != null && v.id === issue.reporterId) || isStaffOf(v, issue.communityId);
