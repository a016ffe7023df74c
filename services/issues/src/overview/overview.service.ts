import { shanghaiDay, shanghaiDayEnd, shanghaiDayStart } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { overdueIssueSql } from '../issue/issue.rules';
import type { Clock } from '../issue/issue.service';
import type { OverviewFigures } from './overview.entity';
import { queryNamed, scopeOf, type OverviewKey } from '@plaza/shared';

interface Row extends OverviewFigures {
  i: number;
}

/**
 * The issue figures of several Overviews in ONE statement: one aggregate SELECT per key (a CTE of
 * the requests in scope touched in the period, then FILTERed counts over it), joined by UNION ALL.
 * Each part carries its own scope predicate so the planner can use the community, subdistrict or
 * time index. "Overdue" is judged against today (Asia/Shanghai) by the service clock.
 */
export class OverviewService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async figures(keys: readonly OverviewKey[]): Promise<OverviewFigures[]> {
    if (keys.length === 0) return [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const today = `${param(shanghaiDay(this.clock()))}::date`;
    const parts = keys.map((key, k) => {
      const scope = scopeOf(key.scope);
      const scopeValue = scope.kind === 'community' ? param(scope.communityId) : scope.kind === 'subdistrict' ? param(scope.subdistrict) : null;
      const inScope = (a: string) => (scope.kind === 'city' ? 'true' : scope.kind === 'community' ? `${a}.community_id = ${scopeValue}::uuid` : `${a}.subdistrict = ${scopeValue}`);
      const from = `${param(shanghaiDayStart(key.from))}::timestamptz`;
      const to = `${param(shanghaiDayEnd(key.to))}::timestamptz`;
      const raisedIn = (a: string) => `(${a}.raised_at >= ${from} AND ${a}.raised_at < ${to})`;
      const resolvedIn = (a: string) => `(${a}.resolved_at >= ${from} AND ${a}.resolved_at < ${to})`;
      return `(WITH s AS (
          SELECT x.id, x.category, x.resolved_on_site, x.raised_at, x.resolved_at, x.level,
            ${raisedIn('x')} AS raised,
            (x.status IN ('RESOLVED', 'CLOSED') AND ${resolvedIn('x')}) AS resolved,
            ${overdueIssueSql('x', today)} AS overdue
          FROM issues.issue x
          WHERE ${inScope('x')} AND (${raisedIn('x')} OR ${resolvedIn('x')})
        ),
        t AS (
          SELECT count(*) FILTER (WHERE raised)::int AS raised,
            count(*) FILTER (WHERE resolved)::int AS resolved,
            count(*) FILTER (WHERE resolved AND resolved_on_site)::int AS on_site,
            count(*) FILTER (WHERE raised AND overdue)::int AS overdue,
            count(*) FILTER (WHERE resolved AND category = 'FAMILY_CONFLICT')::int AS family,
            count(*) FILTER (WHERE resolved AND category = 'NEIGHBOUR_DISPUTE')::int AS neighbour,
            -- The level only ever goes up, so the level now is the highest it reached.
            count(*) FILTER (WHERE resolved AND level = 'GRID')::int AS at_grid,
            count(*) FILTER (WHERE resolved AND level IN ('GRID', 'COMMUNITY'))::int AS in_community,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM resolved_at - raised_at) / 86400.0) FILTER (WHERE resolved) AS median
          FROM s
        )
        SELECT ${k}::int AS i,
          t.raised AS "issuesRaised", t.resolved AS "issuesResolved", t.on_site AS "issuesResolvedOnSite", t.overdue AS "issuesOverdue",
          CASE WHEN t.raised = 0 THEN 0 ELSE t.resolved::float8 / t.raised END AS "resolutionRate",
          t.median::float8 AS "medianDaysToResolve",
          (SELECT CASE WHEN count(*) = 0 THEN NULL ELSE (count(*) FILTER (WHERE e.satisfied))::float8 / count(*) END
             FROM issues.evaluation e JOIN issues.issue x ON x.id = e.issue_id
             WHERE ${inScope('x')} AND e.evaluated_at >= ${from} AND e.evaluated_at < ${to}) AS "satisfactionRate",
          t.family AS "familyConflictsResolved", t.neighbour AS "neighbourDisputesResolved",
          CASE WHEN t.resolved = 0 THEN NULL ELSE t.at_grid::float8 / t.resolved END AS "settledAtGridShare",
          CASE WHEN t.resolved = 0 THEN NULL ELSE t.in_community::float8 / t.resolved END AS "settledInCommunityShare",
          (SELECT coalesce(sum(o.quantity), 0)::int FROM issues.outcome o JOIN s ON s.id = o.issue_id AND s.resolved WHERE o.kind = 'SERVICE_FACILITY') AS "facilitiesAdded",
          (SELECT coalesce(sum(o.quantity), 0)::int FROM issues.outcome o JOIN s ON s.id = o.issue_id AND s.resolved WHERE o.kind = 'NEIGHBOURHOOD_CENTRE') AS "neighbourhoodCentresAdded",
          (SELECT coalesce(json_agg(json_build_object('category', c.category, 'count', c.n) ORDER BY c.n DESC, c.category), '[]'::json)
             FROM (SELECT category, count(*)::int AS n FROM s WHERE resolved GROUP BY category) c) AS "resolvedByCategory"
        FROM t)`;
    });
    // One key (one overview per request, nearly always) has one of three texts, one per kind of
    // scope: a named statement, planned once per connection. Batches of several vary too much.
    const text = parts.join('\nUNION ALL\n');
    const rows: Row[] = keys.length === 1 ? await queryNamed<Row>(this.ds, text, params) : await this.ds.query(text, params);
    const byIndex = new Map(rows.map((r) => [r.i, r]));
    return keys.map((_, k) => {
      const { i: _i, ...figures } = byIndex.get(k)!;
      return figures;
    });
  }
}
