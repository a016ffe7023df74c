import { hasRole, type Viewer } from '@plaza/shared';
import { EVENT_LOG_LOCK } from '../issue-event/issue-event.writer';

interface Runner {
  query(sql: string, params?: unknown[]): Promise<unknown>;
}

/**
 * Residents follow what they raise or support (issue 14), in the same transaction as the raise
 * or the support. Idempotent: following twice keeps the first time. Staff acting for the
 * community do not follow by acting.
 */
export async function autoFollow(q: Runner, viewer: Viewer, issueId: string): Promise<void> {
  if (!viewer.id || !hasRole(viewer, 'RESIDENT')) return;
  // The follow and its event in one statement (one round trip inside the voter's locks): the
  // event is inserted only when the follow is new, its seq drawn once the log's lock is held.
  await q.query(
    `WITH added AS (INSERT INTO issues.follow (issue_id, follower_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING issue_id, follower_id)
     INSERT INTO issues.follow_event (issue_id, follower_id, following)
     SELECT added.issue_id, added.follower_id, true FROM added, LATERAL (${EVENT_LOG_LOCK}) AS held`,
    [issueId, viewer.id],
  );
}

/**
 * Logs a follow change for the bus (`issues.follow_event`, published by the issues relay with the
 * issue events). Under the issue events' lock, held to commit like theirs, so its seq is in
 * commit order with them; an event appended later in the same transaction comes after it.
 */
export async function followChanged(q: Runner, issueId: string, followerId: string, following: boolean): Promise<void> {
  // Lock and insert in one statement (see insertEvents): one round trip fewer under the lock.
  await q.query(`INSERT INTO issues.follow_event (issue_id, follower_id, following) SELECT $1::uuid, $2::text, $3::boolean FROM (${EVENT_LOG_LOCK}) AS held`, [issueId, followerId, following]);
}

/** SQL over `issues.issue i`: the request is followed by the parameter named `param`. */
export const followedBy = (param: string) => `EXISTS (SELECT 1 FROM issues.follow f WHERE f.issue_id = i.id AND f.follower_id = :${param})`;
