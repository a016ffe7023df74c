import { BadUserInputError, decodeCursor, encodeCursor, pageSize, scopeOf, shanghaiDay, type Page, type Viewer } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { Clock, PageArgs } from '../issue/issue.service';
import { parseLeagueArgs, type LeagueArgs, type LeagueQuery } from './league.input';
import { compareLeague, requireLeagueReader } from './league.rules';
import type { LeagueEntry } from './league.types';

/**
 * 考核激励: per claiming department (DEPARTMENT: the requests it claimed) and per responsible unit
 * (RESPONSIBLE_UNIT: the requests it has a ledger entry on), in one statement:
 * - claimed, medianHoursToClaim, medianHoursToFirstFeedback: its requests claimed in the period;
 * - resolved: its requests that reached RESOLVED in the period (CLOSED since included);
 * - ledger: its entries (a department's: every entry of its requests) whose deadline day is in the
 *   period — done by the end of that day (on time), done later (overdue), or not done with the day
 *   over by today (open past deadline); entries still within their day count in none;
 * - satisfactionRate: satisfied / all evaluations given in the period on its requests;
 * - reworkRate: of its requests evaluated in the period, the share with an unsatisfied one (sent to
 *   RECTIFYING) among them.
 * A unit with none of these in the period is left out. The list is a few dozen units per scope, so
 * it is sorted in memory and paged by offset.
 */
export class LeagueService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  async page(viewer: Viewer, args: LeagueArgs, page: PageArgs): Promise<Page<LeagueEntry> & { totalCount: number }> {
    requireLeagueReader(viewer, args.scope);
    const first = pageSize(page.first, 20);
    const offset = Number(decodeCursor(page.after, ['int'])?.[0] ?? -1) + 1;
    if (offset < 0) throw new BadUserInputError('after', `无效的游标 (invalid cursor ${JSON.stringify(page.after)})`);
    const all = await this.entries(parseLeagueArgs(args, this.today()));
    const slice = all.slice(offset, offset + first);
    const edges = slice.map((node, k) => ({ node, cursor: encodeCursor([offset + k]) }));
    return { edges, pageInfo: { hasNextPage: offset + first < all.length, endCursor: edges.at(-1)?.cursor ?? null }, totalCount: all.length };
  }

  today(): string {
    return shanghaiDay(this.clock());
  }

  /** Every unit of the scope and period, sorted as asked. */
  async entries(q: LeagueQuery): Promise<LeagueEntry[]> {
    const scope = scopeOf(q.scope);
    const params: unknown[] = [q.fromAt, q.toAt, q.fromDay, q.toDay, this.today(), q.kind];
    const inScope = scope.kind === 'city' ? 'true' : scope.kind === 'community' ? `i.community_id = $${params.push(scope.communityId)}::uuid` : `i.subdistrict = $${params.push(scope.subdistrict)}`;
    const inPeriod = (col: string) => `(${col} >= coalesce($1::timestamptz, '-infinity') AND ${col} < $2::timestamptz)`;
    const rows: LeagueEntry[] = await this.ds.query(
      `WITH x AS (
         SELECT i.id, i.raised_at, i.claimed_at, i.claim_department, i.status, i.resolved_at FROM issues.issue i WHERE ${inScope}
       ),
       m AS (
         SELECT 'DEPARTMENT'::text AS kind, x.claim_department AS unit, x.id AS issue_id FROM x WHERE x.claim_department IS NOT NULL
         UNION
         SELECT 'RESPONSIBLE_UNIT'::text, l.responsible_unit, l.issue_id FROM issues.ledger_entry l JOIN x ON x.id = l.issue_id
       ),
       ff AS (
         SELECT f.issue_id, min(f.given_at) AS first_at FROM issues.feedback f JOIN x ON x.id = f.issue_id GROUP BY f.issue_id
       ),
       ev AS (
         SELECT e.issue_id, count(*)::int AS n, (count(*) FILTER (WHERE e.satisfied))::int AS sat, bool_or(NOT e.satisfied) AS unsat
         FROM issues.evaluation e JOIN x ON x.id = e.issue_id WHERE ${inPeriod('e.evaluated_at')} GROUP BY e.issue_id
       ),
       a AS (
         SELECT m.kind, m.unit,
           (count(*) FILTER (WHERE ${inPeriod('x.claimed_at')}))::int AS claimed,
           (count(*) FILTER (WHERE x.status IN ('RESOLVED', 'CLOSED') AND ${inPeriod('x.resolved_at')}))::int AS resolved,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM x.claimed_at - x.raised_at) / 3600.0) FILTER (WHERE ${inPeriod('x.claimed_at')}) AS h_claim,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY extract(epoch FROM ff.first_at - x.claimed_at) / 3600.0) FILTER (WHERE ${inPeriod('x.claimed_at')} AND ff.first_at IS NOT NULL) AS h_feedback,
           coalesce(sum(ev.n), 0)::int AS evaluations, coalesce(sum(ev.sat), 0)::int AS satisfied,
           count(ev.issue_id)::int AS evaluated, (count(*) FILTER (WHERE ev.unsat))::int AS reworked
         FROM m JOIN x ON x.id = m.issue_id LEFT JOIN ff ON ff.issue_id = x.id LEFT JOIN ev ON ev.issue_id = x.id
         WHERE $6::text IS NULL OR m.kind = $6::text
         GROUP BY m.kind, m.unit
       ),
       le AS (
         SELECT 'DEPARTMENT'::text AS kind, x.claim_department AS unit, l.deadline, l.completed_at
         FROM issues.ledger_entry l JOIN x ON x.id = l.issue_id WHERE x.claim_department IS NOT NULL
         UNION ALL
         SELECT 'RESPONSIBLE_UNIT'::text, l.responsible_unit, l.deadline, l.completed_at
         FROM issues.ledger_entry l JOIN x ON x.id = l.issue_id
       ),
       lg AS (
         SELECT kind, unit,
           (count(*) FILTER (WHERE completed_at < ((deadline + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')))::int AS on_time,
           (count(*) FILTER (WHERE completed_at >= ((deadline + 1)::timestamp AT TIME ZONE 'Asia/Shanghai')))::int AS late,
           (count(*) FILTER (WHERE completed_at IS NULL AND deadline < $5::date))::int AS open_past
         FROM le WHERE deadline >= coalesce($3::date, '-infinity'::date) AND deadline <= $4::date
         GROUP BY kind, unit
       )
       SELECT a.unit, a.kind, a.claimed, a.resolved,
         a.h_claim::float8 AS "medianHoursToClaim", a.h_feedback::float8 AS "medianHoursToFirstFeedback",
         coalesce(lg.on_time, 0) AS "ledgerOnTime", coalesce(lg.late, 0) AS "ledgerOverdue", coalesce(lg.open_past, 0) AS "ledgerOpenPastDeadline",
         CASE WHEN coalesce(lg.on_time + lg.late + lg.open_past, 0) = 0 THEN NULL ELSE lg.on_time::float8 / (lg.on_time + lg.late + lg.open_past) END AS "onTimeRate",
         CASE WHEN a.evaluations = 0 THEN NULL ELSE a.satisfied::float8 / a.evaluations END AS "satisfactionRate",
         CASE WHEN a.evaluated = 0 THEN NULL ELSE a.reworked::float8 / a.evaluated END AS "reworkRate"
       FROM a LEFT JOIN lg ON lg.kind = a.kind AND lg.unit = a.unit
       WHERE a.claimed > 0 OR a.resolved > 0 OR a.evaluations > 0 OR coalesce(lg.on_time + lg.late + lg.open_past, 0) > 0`,
      params,
    );
    return rows.sort(compareLeague(q.orderBy));
  }
}
