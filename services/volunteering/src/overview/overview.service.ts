import { shanghaiDayEnd, shanghaiDayStart } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { OverviewFigures } from './overview.entity';
import { queryNamed, scopeOf, type OverviewKey } from '@plaza/shared';

interface Row extends OverviewFigures {
  i: number;
}

/**
 * The volunteering figures of several Overviews in ONE statement: one aggregate SELECT per key,
 * joined by UNION ALL. Each part carries its own scope predicate (rather than one generic
 * `$scope IS NULL OR ...`) so the planner can use the community, subdistrict or time index.
 */
export class OverviewService {
  constructor(private readonly ds: DataSource) {}

  async figures(keys: readonly OverviewKey[]): Promise<OverviewFigures[]> {
    if (keys.length === 0) return [];
    const params: unknown[] = [];
    const param = (v: unknown) => {
      params.push(v);
      return `$${params.length}`;
    };
    const parts = keys.map((key, i) => {
      const scope = scopeOf(key.scope);
      const scopeValue = scope.kind === 'community' ? param(scope.communityId) : scope.kind === 'subdistrict' ? param(scope.subdistrict) : null;
      const inScope = (alias: string) => (scope.kind === 'city' ? 'true' : scope.kind === 'community' ? `${alias}.community_id = ${scopeValue}::uuid` : `${alias}.subdistrict = ${scopeValue}`);
      const from = `${param(shanghaiDayStart(key.from))}::timestamptz`;
      const to = `${param(shanghaiDayEnd(key.to))}::timestamptz`;
      // Teams and volunteers are a stock (everything that exists by `to`); the rest are flows
      // inside [from, to).
      return `SELECT ${i}::int AS i,
        (SELECT count(*)::int FROM volunteering.volunteer_team t WHERE ${inScope('t')} AND t.created_at < ${to}) AS "volunteerTeams",
        (SELECT count(*)::int FROM volunteering.volunteer v JOIN volunteering.volunteer_team t ON t.id = v.team_id
          WHERE ${inScope('t')} AND t.created_at < ${to} AND v.joined_at < ${to}) AS "volunteers",
        a.activities, a.beneficiaries, a."volunteerHours",
        (SELECT count(*)::int FROM volunteering.cadre_check_in c
          WHERE ${inScope('c')} AND c.checked_in_at >= ${from} AND c.checked_in_at < ${to}) AS "cadresCheckedIn"
      FROM (SELECT count(*)::int AS activities, coalesce(sum(a.beneficiaries), 0)::int AS beneficiaries,
              coalesce(sum(a.volunteer_hours), 0)::float8 AS "volunteerHours"
            FROM volunteering.activity a WHERE ${inScope('a')} AND a.held_at >= ${from} AND a.held_at < ${to}) a`;
    });
    // One key (one overview per request, nearly always) has one of three texts, one per kind of
    // scope: a named statement, planned once per connection. Batches of several vary too much.
    const text = parts.join('\nUNION ALL\n');
    const rows: Row[] = keys.length === 1 ? await queryNamed<Row>(this.ds, text, params) : await this.ds.query(text, params);
    const byIndex = new Map(rows.map((r) => [r.i, r]));
    return keys.map((_, i) => {
      const { i: _i, ...figures } = byIndex.get(i)!;
      return figures;
    });
  }
}
