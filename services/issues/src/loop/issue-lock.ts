import { inTransaction, isUuid, NotFoundError } from '@plaza/shared';
import type { DataSource, QueryRunner } from 'typeorm';
import { appendEvents, type EventDraft } from '../issue-event/issue-event.writer';
import type { IssueLevel, IssueStatus } from '../issue/issue.enums';

/** The request row as the locking transaction sees it. */
export interface LockedIssue {
  id: string;
  status: IssueStatus;
  level: IssueLevel;
  community_id: string;
  subdistrict: string;
  session_id: string | null;
  category: string;
  reporter_id: string | null;
  support_count: number;
}

/**
 * Runs one change of one request: locks its row (SELECT … FOR UPDATE, so two racing staff are
 * serialised and the loser sees the winner's status), lets `fn` check and write, then appends
 * the events `fn` returns — all in one transaction. Any error rolls everything back.
 */
export async function changeIssue<T>(ds: DataSource, issueId: string, field: string, fn: (runner: QueryRunner, issue: LockedIssue) => Promise<{ events: EventDraft[]; result: T }>): Promise<T> {
  if (!isUuid(issueId)) throw new NotFoundError('Issue', issueId, field);
  return inTransaction(ds, async (runner) => {
    const [issue] = (await runner.query(`SELECT id, status, level, community_id, subdistrict, session_id, category, reporter_id, support_count FROM issues.issue WHERE id = $1 FOR UPDATE`, [
      issueId,
    ])) as LockedIssue[];
    if (!issue) throw new NotFoundError('Issue', issueId, field);
    const { events, result } = await fn(runner, issue);
    await appendEvents(
      runner,
      events.map((event) => ({ subject: issue, event })),
    );
    return result;
  });
}

/** The rows a statement returned; typeorm's plain `query` wraps UPDATE/DELETE results as [rows, count]. */
export async function returning<T = Record<string, unknown>>(q: QueryRunner, sql: string, params: unknown[]): Promise<T[]> {
  return (await q.query(sql, params, true)).records as T[];
}
