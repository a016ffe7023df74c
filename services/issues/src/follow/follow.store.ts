import { hasRole, type Viewer } from '@plaza/shared';

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
  const added = await q.query(`INSERT INTO issues.follow (issue_id, follower_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`, [issueId, viewer.id]);
  if ((added as unknown[]).length) await followChanged(q, issueId, viewer.id, true);
}

/**
 * Logs a follow change for the bus (`issues.follow_event`, published by the issues relay with the
 * issue events). Under the issue events' lock, held to commit like theirs, so its seq is in
 * commit order with them; an event appended later in the same transaction comes after it.
 */
export async function followChanged(q: Runner, issueId: string, followerId: string, following: boolean): Promise<void> {
  await q.query(`SELECT pg_advisory_xact_lock(hashtext('issues.issue_event'))`);
  await q.query(`INSERT INTO issues.follow_event (issue_id, follower_id, following) VALUES ($1, $2, $3)`, [issueId, followerId, following]);
}

/** SQL over `issues.issue i`: the request is followed by the parameter named `param`. */
export const followedBy = (param: string) => `EXISTS (SELECT 1 FROM issues.follow f WHERE f.issue_id = i.id AND f.follower_id = :${param})`;
