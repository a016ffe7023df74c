import { emptyPage, inTransaction, isUuid, keysetPage, NotFoundError, requireRole, type Viewer } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { Issue } from '../issue/issue.entity';
import { ISSUE_KEYSET } from '../issue/issue.query';
import type { IssuePage, PageArgs } from '../issue/issue.service';
import { returning } from '../loop/issue-lock';
import { followChanged, followedBy } from './follow.store';

/** followIssue / unfollowIssue and `me.following`; the table is `issues.follow`. */
export class FollowService {
  constructor(private readonly ds: DataSource) {}

  /** RESIDENT; idempotent. A request that does not exist is NOT_FOUND. */
  async follow(viewer: Viewer, issueId: string): Promise<Issue> {
    requireRole(viewer, 'RESIDENT');
    if (!isUuid(issueId)) throw new NotFoundError('Issue', issueId, 'issueId');
    await inTransaction(this.ds, async (q) => {
      const added = await returning(q, `INSERT INTO issues.follow (issue_id, follower_id) SELECT id, $2 FROM issues.issue WHERE id = $1 ON CONFLICT DO NOTHING RETURNING 1`, [issueId, viewer.id]);
      if (added.length) await followChanged(q, issueId, viewer.id!, true);
    });
    return this.issue(issueId);
  }

  /** RESIDENT; idempotent (also for a request raised or supported: the follow is theirs to drop). */
  async unfollow(viewer: Viewer, issueId: string): Promise<Issue> {
    requireRole(viewer, 'RESIDENT');
    if (!isUuid(issueId)) throw new NotFoundError('Issue', issueId, 'issueId');
    await inTransaction(this.ds, async (q) => {
      const removed = await returning(q, `DELETE FROM issues.follow WHERE issue_id = $1 AND follower_id = $2 RETURNING 1`, [issueId, viewer.id]);
      if (removed.length) await followChanged(q, issueId, viewer.id!, false);
    });
    return this.issue(issueId);
  }

  private async issue(id: string): Promise<Issue> {
    const issue = await this.ds.getRepository(Issue).findOneBy({ id });
    if (!issue) throw new NotFoundError('Issue', id, 'issueId');
    return issue;
  }

  /** The viewer's followed requests, newest raised first (the same order and cursors as `issues`); anonymous: none. */
  following(viewer: Viewer, args: PageArgs): Promise<IssuePage> {
    if (!viewer.id) return Promise.resolve(emptyPage<Issue>());
    const qb = this.ds.getRepository(Issue).createQueryBuilder('i').where(followedBy('follower'), { follower: viewer.id });
    return keysetPage(qb, ISSUE_KEYSET, args, { defaultFirst: 20 });
  }
}
