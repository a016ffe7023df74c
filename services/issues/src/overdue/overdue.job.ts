import { inTransaction, shanghaiDay, startPeriodicJob, type Logger, type PeriodicJob, type SweepRun } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { appendEvents } from '../issue-event/issue-event.writer';
import { IssueEventKind } from '../issue/issue.enums';
import { overdueLedgerSql } from '../issue/issue.rules';
import type { Clock } from '../issue/issue.service';

/**
 * Marks every OPEN ledger entry whose deadline day (Asia/Shanghai) ended before `now` as OVERDUE
 * and logs one OVERDUE event per entry, in one transaction. Exactly once across replicas: the
 * sweeps take a transaction-scoped advisory lock, and the UPDATE only touches rows still OPEN,
 * so a second sweep finds nothing left to mark. Returns how many entries it marked.
 */
export async function sweepOverdue(ds: DataSource, now: Date): Promise<number> {
  return inTransaction(ds, async (q) => {
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('issues.overdue-sweep'))`);
    const marked: { entry_id: string; measure: string; deadline: string; id: string; community_id: string; subdistrict: string; session_id: string | null; category: string }[] = await q.query(
      `WITH marked AS (
         UPDATE issues.ledger_entry l SET status = 'OVERDUE', overdue_at = $2
         WHERE l.status = 'OPEN' AND ${overdueLedgerSql('l', 'CAST($1 AS date)')}
         RETURNING id, issue_id, measure, deadline
       )
       SELECT m.id AS entry_id, m.measure, m.deadline::text AS deadline, i.id, i.community_id, i.subdistrict, i.session_id, i.category
       FROM marked m JOIN issues.issue i ON i.id = m.issue_id
       ORDER BY m.deadline, m.id`,
      [shanghaiDay(now), now],
    );
    await appendEvents(
      q,
      marked.map((m) => ({ subject: m, event: { kind: IssueEventKind.OVERDUE, actor: 'system', note: `${m.measure} (截止 ${m.deadline}, ledger ${m.entry_id})` } })),
    );
    return marked.length;
  });
}

export interface OverdueJobOptions {
  dataSource: DataSource;
  /** Default 60000 ms. */
  intervalMs?: number;
  /** Default the wall clock; tests pass their own. */
  clock?: Clock;
  log?: Logger;
  /** Told after every run (metrics: plaza_sweep_*). */
  onRun?: (run: SweepRun) => void;
}

export type OverdueJob = PeriodicJob;

/** Starts the periodic sweep. Runs once at start, then every `intervalMs`; `stop` waits for a running sweep. */
export function startOverdueJob(o: OverdueJobOptions): OverdueJob {
  const clock = o.clock ?? (() => new Date());
  return startPeriodicJob({
    run: () => sweepOverdue(o.dataSource, clock()),
    intervalMs: o.intervalMs ?? 60_000,
    log: o.log,
    countKey: 'marked',
    doneMessage: 'ledger entries marked overdue',
    failedMessage: 'overdue sweep failed',
    onRun: o.onRun,
  });
}
