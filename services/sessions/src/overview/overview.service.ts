import { BadUserInputError, isCalendarDate, MAX_RANGE_YEARS, queryNamed, shanghaiDay, shanghaiDayEnd, shanghaiDayStart, shiftDay } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { parseScope, scopeParams, scopePredicate } from './overview.scope';
import type { OverviewFigures, OverviewKey } from './overview.entity';

export interface OverviewArgs {
  scope?: string | null;
  from?: string | null;
  to?: string | null;
}

const maxDay = (a: string, b: string) => (a > b ? a : b);
const minDay = (a: string, b: string) => (a < b ? a : b);

/**
 * A key arriving in an entity representation is not parsed by the Date scalar: check it before
 * it reaches SQL, so one malformed representation fails alone rather than its whole batch.
 */
export function checkKey(k: OverviewKey): OverviewKey {
  if (typeof k.scope !== 'string' || k.scope === '') throw new BadUserInputError('scope', `scope must be a non-empty string, got ${JSON.stringify(k.scope)}`);
  if (!isCalendarDate(k.from)) throw new BadUserInputError('from', `from must be a calendar day YYYY-MM-DD, got ${JSON.stringify(k.from)}`);
  if (!isCalendarDate(k.to)) throw new BadUserInputError('to', `to must be a calendar day YYYY-MM-DD, got ${JSON.stringify(k.to)}`);
  return { scope: k.scope, from: k.from, to: k.to };
}

export class OverviewService {
  constructor(private readonly ds: DataSource) {}

  /**
   * Validates `Query.overview`'s arguments and fills the defaults, in one statement: the scope
   * must be "city", an existing subdistrict or an existing community; `to` defaults to today and
   * `from` to the first day with any visit, topic or session in the scope.
   */
  async resolveKey(args: OverviewArgs, now = new Date()): Promise<OverviewKey> {
    const scope = args.scope ?? 'city';
    const to = args.to ?? shanghaiDay(now);
    if (args.from != null && args.from > to) throw new BadUserInputError('to', `to 不能早于 from (to ${to} is before from ${args.from})`);
    if (args.from != null && to >= shiftDay(args.from, MAX_RANGE_YEARS)) {
      throw new BadUserInputError('from', `时间范围不能超过 ${MAX_RANGE_YEARS} 年 (from ${args.from} to ${to} is longer than ${MAX_RANGE_YEARS} years)`);
    }
    const [communityId, subdistrict] = scopeParams(parseScope(scope));
    const [row] = (await queryNamed(
      this.ds,
      `SELECT
         CASE WHEN $1::uuid IS NOT NULL THEN EXISTS (SELECT 1 FROM sessions.community WHERE id = $1::uuid)
              WHEN $2::text IS NOT NULL THEN EXISTS (SELECT 1 FROM sessions.community WHERE subdistrict = $2::text)
              ELSE true END AS known,
         CASE WHEN $3::boolean THEN least(
           (SELECT min(v.visited_at) FROM sessions.visit v WHERE ${scopePredicate('v', '$1::uuid', '$2::text')}),
           (SELECT min(t.proposed_at) FROM sessions.topic_proposal t WHERE ${scopePredicate('t', '$1::uuid', '$2::text')}),
           (SELECT min(s.scheduled_at) FROM sessions.session s WHERE ${scopePredicate('s', '$1::uuid', '$2::text')})
         ) END AS first_at`,
      [communityId, subdistrict, args.from == null],
    )) as { known: boolean; first_at: Date | null }[];
    if (!row!.known) {
      throw new BadUserInputError('scope', `未知范围 ${scope} (scope must be "city", an existing subdistrict name or an existing community id)`);
    }
    if (args.from != null) return { scope, from: args.from, to };
    // A default never makes the query fail: it stays within `to` and within the longest range.
    const first = row!.first_at ? shanghaiDay(row!.first_at) : to;
    return { scope, from: minDay(maxDay(first, shiftDay(to, -MAX_RANGE_YEARS, 1)), to), to };
  }

  /**
   * The sessions-side figures of many overviews in ONE aggregate statement: each key is a row of
   * an unnested parameter list, each figure a sub-select over the indexed time range.
   */
  async figures(keys: readonly OverviewKey[]): Promise<OverviewFigures[]> {
    if (!keys.length) return [];
    keys.forEach(checkKey);
    const scopes = keys.map((k) => scopeParams(parseScope(k.scope)));
    const rows = (await queryNamed(
      this.ds,
      `SELECT k.i, h.held, h.attendance, v.households, t.topics
       FROM unnest($1::int[], $2::uuid[], $3::text[], $4::timestamptz[], $5::timestamptz[]) AS k(i, community_id, subdistrict, from_at, to_at)
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS held,
                coalesce(sum(s.residents + s.party_members + s.cadres + s.deputies + s.cppcc_members), 0)::int AS attendance
         FROM sessions.session s
         WHERE s.status = 'CLOSED' AND s.scheduled_at >= k.from_at AND s.scheduled_at < k.to_at
           AND ${scopePredicate('s', 'k.community_id', 'k.subdistrict')}
       ) h
       CROSS JOIN LATERAL (
         SELECT coalesce(sum(v.households_visited), 0)::int AS households
         FROM sessions.visit v
         WHERE v.visited_at >= k.from_at AND v.visited_at < k.to_at AND ${scopePredicate('v', 'k.community_id', 'k.subdistrict')}
       ) v
       CROSS JOIN LATERAL (
         SELECT count(*)::int AS topics
         FROM sessions.topic_proposal t
         WHERE t.proposed_at >= k.from_at AND t.proposed_at < k.to_at AND ${scopePredicate('t', 'k.community_id', 'k.subdistrict')}
       ) t`,
      [keys.map((_, i) => i), scopes.map(([c]) => c), scopes.map(([, s]) => s), keys.map((k) => shanghaiDayStart(k.from)), keys.map((k) => shanghaiDayEnd(k.to))],
    )) as { i: number; held: number; attendance: number; households: number; topics: number }[];
    const byIndex = new Map(rows.map((r) => [r.i, r]));
    return keys.map((_, i) => {
      const r = byIndex.get(i)!;
      return { sessionsHeld: r.held, totalAttendance: r.attendance, householdsVisited: r.households, topicsProposed: r.topics };
    });
  }
}
