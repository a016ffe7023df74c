import { inTransaction, startPeriodicJob, type Logger, type PeriodicJob, type SweepRun } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { appendEvents } from '../issue-event/issue-event.writer';
import { IssueEventKind } from '../issue/issue.enums';
import { tallyNote } from './vote-window';

/**
 * Closes every plan vote whose closing time has passed, logging one PLAN_VOTE_CLOSED event (with
 * the final tally) per plan, in one transaction. Exactly once across replicas: the due rows are
 * locked with SKIP LOCKED, so a concurrent sweep (or a vote still holding a plan's row) makes the
 * other sweep skip them instead of waiting or deadlocking, and the UPDATE only touches rows still
 * unclosed, so a sweep that runs after the winner commits finds nothing. The database's clock
 * decides, the same clock votePlan checks against. Returns how many votes it closed.
 */
export async function sweepDueVotes(ds: DataSource): Promise<number> {
  return inTransaction(ds, async (q) => {
    const closed: {
      plan_id: string;
      votes_for: number;
      votes_against: number;
      votes_abstain: number;
      id: string;
      community_id: string;
      subdistrict: string;
      session_id: string | null;
      category: string;
      support_count: number;
    }[] = await q.query(
      `WITH due AS (
           SELECT id FROM issues.plan
           WHERE vote_closed_at IS NULL AND vote_closes_at <= now() AND status = 'OPEN'
           ORDER BY vote_closes_at, id
           FOR UPDATE SKIP LOCKED
         ), closed AS (
           UPDATE issues.plan p SET vote_closed_at = p.vote_closes_at
           FROM due WHERE p.id = due.id AND p.vote_closed_at IS NULL
           RETURNING p.id, p.issue_id, p.votes_for, p.votes_against, p.votes_abstain, p.vote_closes_at
         )
         SELECT c.id AS plan_id, c.votes_for, c.votes_against, c.votes_abstain, i.id, i.community_id, i.subdistrict, i.session_id, i.category, i.support_count
         FROM closed c JOIN issues.issue i ON i.id = c.issue_id
         ORDER BY c.vote_closes_at, c.id`,
    );
    await appendEvents(
      q,
      closed.map((c) => ({
        subject: c,
        event: { kind: IssueEventKind.PLAN_VOTE_CLOSED, actor: 'system', planId: c.plan_id, note: tallyNote(c), supportCount: c.support_count },
      })),
    );
    return closed.length;
  });
}

export interface VoteCloseJobOptions {
  dataSource: DataSource;
  /** Default 1000 ms: a vote shown closing on the plaza screen should close within a second. */
  intervalMs?: number;
  log?: Logger;
  /** Told after every run (metrics: plaza_sweep_*). */
  onRun?: (run: SweepRun) => void;
}

export type VoteCloseJob = PeriodicJob;

/** Starts the periodic sweep: once at start, then every `intervalMs`; `stop` waits for a running sweep. */
export function startVoteCloseJob(o: VoteCloseJobOptions): VoteCloseJob {
  return startPeriodicJob({
    run: () => sweepDueVotes(o.dataSource),
    intervalMs: o.intervalMs ?? 1000,
    log: o.log,
    countKey: 'closed',
    doneMessage: 'plan votes closed at their closing time',
    failedMessage: 'vote close sweep failed',
    onRun: o.onRun,
  });
}
