import { BadUserInputError, checkPeriod, isCalendarDate, shanghaiDayEnd, shanghaiDayStart } from '@plaza/shared';
import { LeagueOrder, LeagueUnitKind } from './league.types';

export interface LeagueArgs {
  scope: string;
  from?: string | null;
  to?: string | null;
  kind?: LeagueUnitKind | null;
  orderBy?: LeagueOrder | null;
}

export interface LeagueQuery {
  scope: string;
  /** null: since the first record */
  fromDay: string | null;
  toDay: string;
  fromAt: Date | null;
  toAt: Date;
  kind: LeagueUnitKind | null;
  orderBy: LeagueOrder;
}

const check = (name: string, value: unknown, allowed: readonly string[]) => {
  if (value != null && !allowed.includes(value as string)) throw new BadUserInputError(name, `${name} 无效 (expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)})`);
};

/**
 * The league's period: Asia/Shanghai days, both inclusive; `to` defaults to today, an omitted
 * `from` means since the first record. The enums are checked again for the export, which has no
 * GraphQL coercion.
 */
export function parseLeagueArgs(a: LeagueArgs, today: string): LeagueQuery {
  if (typeof a.scope !== 'string' || a.scope.trim() === '') throw new BadUserInputError('scope', `scope 必须是 "city"、街道名称或社区 ID (got ${JSON.stringify(a.scope)})`);
  check('kind', a.kind, Object.values(LeagueUnitKind));
  check('orderBy', a.orderBy, Object.values(LeagueOrder));
  const toDay = a.to ?? today;
  let fromDay: string | null = null;
  if (a.from != null) fromDay = checkPeriod(a.from, toDay).from;
  else if (!isCalendarDate(toDay)) throw new BadUserInputError('to', `to 必须是 YYYY-MM-DD 日期 (expected a calendar day, got ${JSON.stringify(toDay)})`);
  return {
    scope: a.scope,
    fromDay,
    toDay,
    fromAt: fromDay ? shanghaiDayStart(fromDay) : null,
    toAt: shanghaiDayEnd(toDay),
    kind: a.kind ?? null,
    orderBy: a.orderBy ?? LeagueOrder.RESOLVED,
  };
}
