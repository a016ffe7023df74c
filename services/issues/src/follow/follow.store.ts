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
  await q.query(`INSERT INTO issues.follow (issue_id, follower_id) VALUES ($1, $2) ON CONFLICT DO NOTHING`, [issueId, viewer.id]);
}

/** SQL over `issues.issue i`: the request is followed by the parameter named `param`. */
export const followedBy = (param: string) => `EXISTS (SELECT 1 FROM issues.follow f WHERE f.issue_id = i.id AND f.follower_id = :${param})`;
