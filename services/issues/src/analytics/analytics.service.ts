import { shanghaiDay, shanghaiDayEnd, shanghaiDayStart, type IssueCategory } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { FINISHED_STATUSES } from '../issue/issue.enums';
import type { Clock } from '../issue/issue.service';
import { parseCommonIssuesArgs, parseTrendArgs, type TrendArgs } from './analytics.input';
import { Bucket, type CommonIssue, type TrendPoint } from './analytics.types';

const UNIT: Record<Bucket, string> = { [Bucket.WEEK]: 'week', [Bucket.MONTH]: 'month' };

/** issueTrend and commonIssues: one aggregate statement each, every bucket computed in SQL. */
export class AnalyticsService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  /**
   * Every bucket from the one holding `from` to the one holding `to` is present (zeros included);
   * Postgres' week starts on Monday (ISO). Counts only include what happened between `from` and
   * `to`, so a first or last bucket that sticks out of the period counts its part inside it. An
   * entry counts as overdue once its deadline day has ended without it being completed, so a
   * deadline of today or later is not (yet) overdue.
   */
  async trend(args: TrendArgs): Promise<TrendPoint[]> {
    const a = parseTrendArgs(args);
    const unit = UNIT[a.bucket];
    const params: unknown[] = [a.from, a.to, shanghaiDayStart(a.from), shanghaiDayEnd(a.to), shanghaiDay(this.clock()), a.communityId, a.category];
    const filters = `($6::uuid IS NULL OR x.community_id = $6::uuid) AND ($7::text IS NULL OR x.category = $7::text)`;
    const local = (col: string) => `date_trunc('${unit}', ${col} AT TIME ZONE 'Asia/Shanghai')::date`;
    return this.ds.query(
      `WITH b AS (
         SELECT g::date AS start FROM generate_series(date_trunc('${unit}', $1::date::timestamp), date_trunc('${unit}', $2::date::timestamp), interval '1 ${unit}') g
       ),
       r AS (
         SELECT ${local('x.raised_at')} AS start, count(*)::int AS n FROM issues.issue x
         WHERE ${filters} AND x.raised_at >= $3 AND x.raised_at < $4 GROUP BY 1
       ),
       v AS (
         SELECT ${local('x.resolved_at')} AS start, count(*)::int AS n FROM issues.issue x
         WHERE ${filters} AND x.status IN ('RESOLVED', 'CLOSED') AND x.resolved_at >= $3 AND x.resolved_at < $4 GROUP BY 1
       ),
       o AS (
         SELECT date_trunc('${unit}', l.deadline::timestamp)::date AS start, count(*)::int AS n
         FROM issues.ledger_entry l JOIN issues.issue x ON x.id = l.issue_id
         WHERE ${filters} AND l.deadline BETWEEN $1::date AND $2::date AND l.deadline < $5::date
           AND (l.completed_at IS NULL OR l.completed_at >= ((l.deadline + 1)::timestamp AT TIME ZONE 'Asia/Shanghai'))
         GROUP BY 1
       )
       SELECT to_char(b.start, 'YYYY-MM-DD') AS "bucketStart", coalesce(r.n, 0) AS raised, coalesce(v.n, 0) AS resolved, coalesce(o.n, 0) AS overdue
       FROM b LEFT JOIN r ON r.start = b.start LEFT JOIN v ON v.start = b.start LEFT JOIN o ON o.start = b.start
       ORDER BY b.start`,
      params,
    );
  }

  /**
   * 定期分析机制: categories raised in at least `minCommunities` communities in the period, with
   * up to three most-supported requests of each as a sample (ids; the resolver loads them).
   */
  async commonIssues(args: { from: string; to: string; minCommunities?: number | null }): Promise<CommonIssue[]> {
    const a = parseCommonIssuesArgs(args);
    const rows: { category: IssueCategory; communities: number; issues: number; openIssues: number; sampleIds: string[] }[] = await this.ds.query(
      `WITH s AS (
         SELECT x.id, x.category, x.community_id, x.status, x.support_count, x.raised_at FROM issues.issue x
         WHERE x.raised_at >= $1 AND x.raised_at < $2
       ),
       c AS (
         SELECT category, count(DISTINCT community_id)::int AS communities, count(*)::int AS issues,
           count(*) FILTER (WHERE status <> ALL($4::text[]))::int AS "openIssues"
         FROM s GROUP BY category HAVING count(DISTINCT community_id) >= $3
       )
       SELECT c.*, coalesce((
           SELECT array_agg(t.id::text ORDER BY t.support_count DESC, t.raised_at DESC, t.id DESC)
           FROM (SELECT id, support_count, raised_at FROM s WHERE s.category = c.category ORDER BY support_count DESC, raised_at DESC, id DESC LIMIT 3) t
         ), '{}') AS "sampleIds"
       FROM c ORDER BY c.communities DESC, c.issues DESC, c.category`,
      [shanghaiDayStart(a.from), shanghaiDayEnd(a.to), a.minCommunities, FINISHED_STATUSES],
    );
    return rows;
  }
}
