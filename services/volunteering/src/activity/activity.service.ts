import { BadUserInputError, isUuid, keysetPage, NotFoundError, requireSignedIn, requireStaffOf, shanghaiDayEnd, shanghaiDayStart, type Keyset, type Viewer } from '@plaza/shared';
import type { DataSource, SelectQueryBuilder } from 'typeorm';
import type { ForeignDirectory } from '../federation/subgraphs.directory';
import type { TeamService } from '../team/team.service';
import { Activity } from './activity.entity';
import { parseRecordActivity, type RecordActivityInput } from './activity.input';

/** Most recent first. */
export const activityKeyset: Keyset<Activity> = {
  columns: ['a.held_at', 'a.id'],
  direction: 'DESC',
  valuesOf: (a) => [a.heldAt.toISOString(), a.id],
  casts: ['timestamptz', 'uuid'],
};

export interface ActivityFilter {
  communityId?: string | null;
  /** Asia/Shanghai calendar days, inclusive, on heldAt. */
  from?: string | null;
  to?: string | null;
}

export class ActivityService {
  constructor(
    private readonly ds: DataSource,
    private readonly teams: TeamService,
    private readonly directory: ForeignDirectory,
  ) {}

  list(filter: ActivityFilter, page: { first?: number | null; after?: string | null }) {
    return keysetPage(this.filtered(filter), activityKeyset, page);
  }

  /**
   * The filtered, unordered query behind `activities` (alias `a`), shared by the list and the CSV
   * export so both answer the same rows for the same filters; page it with `activityKeyset`.
   */
  filtered(filter: ActivityFilter): SelectQueryBuilder<Activity> {
    if (filter.from && filter.to && filter.from > filter.to) {
      throw new BadUserInputError('to', `结束日期早于开始日期 (to ${filter.to} is before from ${filter.from})`);
    }
    const qb = this.ds.getRepository(Activity).createQueryBuilder('a').where('true');
    if (filter.communityId != null) {
      if (!isUuid(filter.communityId)) qb.andWhere('false');
      else qb.andWhere('a.community_id = :communityId', { communityId: filter.communityId });
    }
    if (filter.from) qb.andWhere('a.held_at >= :fromAt', { fromAt: shanghaiDayStart(filter.from) });
    if (filter.to) qb.andWhere('a.held_at < :toAt', { toAt: shanghaiDayEnd(filter.to) });
    return qb;
  }

  /**
   * STAFF of the team's community, or ADMIN. The activity belongs to its team's community; a
   * session or issue it names must exist and belong to that community too.
   */
  async record(viewer: Viewer, input: RecordActivityInput): Promise<Activity> {
    requireSignedIn(viewer);
    const data = parseRecordActivity(input);
    const team = await this.teams.require(data.teamId, 'input.teamId');
    requireStaffOf(viewer, team.communityId);
    const [session, issue] = await Promise.all([data.sessionId ? this.directory.session(data.sessionId) : null, data.issueId ? this.directory.issue(data.issueId) : null]);
    if (data.sessionId) {
      if (!session) throw new NotFoundError('Session', data.sessionId, 'input.sessionId');
      if (session.communityId !== team.communityId) throw new BadUserInputError('input.sessionId', `夜话不属于该服务队所在社区 (session belongs to another community)`);
    }
    if (data.issueId) {
      if (!issue) throw new NotFoundError('Issue', data.issueId, 'input.issueId');
      if (issue.communityId !== team.communityId) throw new BadUserInputError('input.issueId', `诉求不属于该服务队所在社区 (issue belongs to another community)`);
    }
    const repo = this.ds.getRepository(Activity);
    return repo.save(
      repo.create({
        teamId: team.id,
        communityId: team.communityId,
        subdistrict: team.subdistrict,
        title: data.title,
        heldAt: data.heldAt,
        beneficiaries: data.beneficiaries,
        volunteerHours: data.volunteerHours,
        sessionId: session?.id ?? null,
        issueId: issue?.id ?? null,
      }),
    );
  }
}
