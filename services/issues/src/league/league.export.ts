import { queryParams, type CsvExport } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { Clock } from '../issue/issue.service';
import { parseLeagueArgs } from './league.input';
import { LeagueService } from './league.service';
import type { LeagueEntry, LeagueOrder, LeagueUnitKind } from './league.types';

export const DEPARTMENTS_CSV_HEADER = ['单位', '类型', '认领数', '解决数', '认领中位小时', '首次反馈中位小时', '台账按期完成', '台账逾期完成', '台账超期未完成', '按期率', '满意率', '返工率'] as const;

/** One CSV row per league entry, the query's figures unrounded (so the export equals the query). */
export const departmentRow = (e: LeagueEntry): unknown[] => [
  e.unit,
  e.kind,
  e.claimed,
  e.resolved,
  e.medianHoursToClaim,
  e.medianHoursToFirstFeedback,
  e.ledgerOnTime,
  e.ledgerOverdue,
  e.ledgerOpenPastDeadline,
  e.onTimeRate,
  e.satisfactionRate,
  e.reworkRate,
];

/**
 * GET /export/departments.csv?scope=&from=&to=&kind=&orderBy= (ANALYST or ADMIN, checked by the
 * shared export route): the departmentLeague of the scope (default city), every unit, in order.
 */
export function departmentsExport(dataSource: DataSource, clock: Clock): CsvExport {
  const league = new LeagueService(dataSource, clock);
  return {
    filename: 'departments.csv',
    header: DEPARTMENTS_CSV_HEADER,
    open(params) {
      const p = queryParams(params, ['scope', 'from', 'to', 'kind', 'orderBy'] as const);
      const query = parseLeagueArgs({ scope: p.scope ?? 'city', from: p.from, to: p.to, kind: p.kind as LeagueUnitKind | undefined, orderBy: p.orderBy as LeagueOrder | undefined }, league.today());
      return (async function* () {
        yield (await league.entries(query)).map(departmentRow);
      })();
    },
  };
}
