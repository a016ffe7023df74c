import {
  BadUserInputError,
  inTransaction,
  isUuid,
  keysetPage,
  NotFoundError,
  partitionedKeysetPage,
  requireResidentOrStaffOf,
  requireSignedIn,
  rowsByKeys,
  shanghaiDay,
  type Page,
  type Viewer,
} from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { SessionsDirectory } from '../federation/sessions.directory';
import { appendEvents } from '../issue-event/issue-event.writer';
import { autoFollow } from '../follow/follow.store';
import { Issue } from './issue.entity';
import { FINISHED_STATUSES, IssueEventKind, IssueStatus } from './issue.enums';
import { parseIssueFilter, parseRaiseIssue, type IssueFilter, type RaiseIssueInput } from './issue.input';
import { applyIssueFilter, ISSUE_KEYSET } from './issue.query';

export type Clock = () => Date;
export interface PageArgs {
  first?: number | null;
  after?: string | null;
}
export type IssuePage = Page<Issue> & { totalCount: number };

/** The display name written into events and records. */
export const actorOf = (v: Viewer) => v.name ?? v.id ?? 'anonymous';

export class IssueService {
  constructor(
    private readonly ds: DataSource,
    private readonly directory: SessionsDirectory,
    private readonly clock: Clock,
  ) {}

  /** Today in Asia/Shanghai, by the service clock. */
  today(): string {
    return shanghaiDay(this.clock());
  }

  private base() {
    return this.ds.getRepository(Issue).createQueryBuilder('i');
  }

  byIds(ids: string[]): Promise<Issue[]> {
    return rowsByKeys(this.ds, Issue)(ids);
  }

  list(filter: IssueFilter | null | undefined, args: PageArgs): Promise<IssuePage> {
    const qb = applyIssueFilter(this.base(), parseIssueFilter(filter), this.today());
    return keysetPage(qb, ISSUE_KEYSET, args, { defaultFirst: 20 });
  }

  /** `Community.issues` for many communities: three statements per batch. */
  pagesByCommunity(communityIds: string[], args: PageArgs & { filter?: IssueFilter | null }) {
    const qb = applyIssueFilter(this.base(), parseIssueFilter(args.filter), this.today());
    return partitionedKeysetPage(qb, 'i.community_id', (r) => r.communityId, communityIds, ISSUE_KEYSET, args, { defaultFirst: 20 });
  }

  /** `Session.issues` for many sessions. */
  pagesBySession(sessionIds: string[], args: PageArgs) {
    return partitionedKeysetPage(this.base(), 'i.session_id', (r) => r.sessionId!, sessionIds, ISSUE_KEYSET, args, { defaultFirst: 50 });
  }

  /** Still-open requests per (community, category), newest first, at most 100 each; one statement. */
  async openByCommunityAndCategory(keys: { communityId: string; category: string }[]): Promise<Issue[]> {
    const valid = keys.filter((k) => isUuid(k.communityId));
    if (!valid.length) return [];
    const ids: { id: string }[] = await this.ds.query(
      `SELECT id FROM (
         SELECT i.id, ROW_NUMBER() OVER (PARTITION BY i.community_id, i.category ORDER BY i.raised_at DESC, i.id DESC) AS rn
         FROM issues.issue i
         WHERE (i.community_id, i.category) IN (SELECT * FROM unnest($1::uuid[], $2::text[]))
           AND i.status <> ALL($3::text[])
       ) ranked WHERE rn <= 100`,
      [valid.map((k) => k.communityId), valid.map((k) => k.category), FINISHED_STATUSES],
    );
    if (!ids.length) return [];
    return this.base()
      .where('i.id IN (:...ids)', { ids: ids.map((r) => r.id) })
      .orderBy('i.raised_at', 'DESC')
      .addOrderBy('i.id', 'DESC')
      .getMany();
  }

  /**
   * 诉求: RESIDENT or STAFF of the community. The community, grid and session are checked against
   * the sessions subgraph before anything is written.
   */
  async raise(viewer: Viewer, input: RaiseIssueInput): Promise<Issue> {
    requireSignedIn(viewer);
    const data = parseRaiseIssue(input);
    requireResidentOrStaffOf(viewer, data.communityId);
    if (!isUuid(data.communityId)) throw new NotFoundError('Community', data.communityId, 'input.communityId');
    if (data.gridId && !isUuid(data.gridId)) throw new NotFoundError('Grid', data.gridId, 'input.gridId');
    if (data.sessionId && !isUuid(data.sessionId)) throw new NotFoundError('Session', data.sessionId, 'input.sessionId');
    const [community, grid, session] = await Promise.all([
      this.directory.community(data.communityId),
      data.gridId ? this.directory.grid(data.gridId) : null,
      data.sessionId ? this.directory.session(data.sessionId) : null,
    ]);
    if (!community) throw new NotFoundError('Community', data.communityId, 'input.communityId');
    if (data.gridId) {
      if (!grid) throw new NotFoundError('Grid', data.gridId, 'input.gridId');
      if (grid.community.id !== data.communityId) throw new BadUserInputError('input.gridId', `网格不属于该社区 (grid ${data.gridId} is not in community ${data.communityId})`);
    }
    if (data.sessionId) {
      if (!session) throw new NotFoundError('Session', data.sessionId, 'input.sessionId');
      if (session.community.id !== data.communityId) throw new BadUserInputError('input.sessionId', `夜话不属于该社区 (session ${data.sessionId} is not in community ${data.communityId})`);
    }
    const id = await inTransaction(this.ds, async (runner) => {
      const [row] = await runner.query(
        `INSERT INTO issues.issue (title, description, category, community_id, subdistrict, grid_id, session_id, raised_by, reporter_id, reporter_contact)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         RETURNING id, community_id, subdistrict, session_id, category`,
        [data.title, data.description, data.category, data.communityId, community.subdistrict, data.gridId, data.sessionId, data.raisedBy, viewer.id, data.reporterContact],
      );
      // The follow first: a gateway then knows the raiser follows it when RAISED arrives.
      await autoFollow(runner, viewer, row.id);
      await appendEvents(runner, [{ subject: row, event: { kind: IssueEventKind.RAISED, actor: actorOf(viewer), to: IssueStatus.SUBMITTED } }]);
      return row.id as string;
    });
    return this.ds.getRepository(Issue).findOneByOrFail({ id });
  }
}
