import { LedgerStatus } from './issue.enums';

/**
 * One table of ledger entries around "today", shared by the predicate's unit test and the test
 * that runs the SQL form over real rows, so both judge the same cases.
 */
export const OVERDUE_TODAY = '2026-12-01';

export const OVERDUE_CASES: { status: LedgerStatus; deadline: string; overdue: boolean }[] = [
  { status: LedgerStatus.OPEN, deadline: '2026-11-30', overdue: true },
  { status: LedgerStatus.OPEN, deadline: '2025-12-31', overdue: true },
  { status: LedgerStatus.OPEN, deadline: '2026-12-01', overdue: false },
  { status: LedgerStatus.OPEN, deadline: '2026-12-02', overdue: false },
  { status: LedgerStatus.OPEN, deadline: '2027-01-01', overdue: false },
  { status: LedgerStatus.OVERDUE, deadline: '2026-11-30', overdue: true },
  { status: LedgerStatus.OVERDUE, deadline: '2026-01-09', overdue: true },
  // Stored OVERDUE by a sweep whose clock ran ahead: the day decides, not the stored status.
  { status: LedgerStatus.OVERDUE, deadline: '2026-12-01', overdue: false },
  { status: LedgerStatus.DONE, deadline: '2026-11-30', overdue: false },
  { status: LedgerStatus.DONE, deadline: '2020-02-29', overdue: false },
  { status: LedgerStatus.DONE, deadline: '2026-12-02', overdue: false },
];
