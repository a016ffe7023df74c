import { isUuid } from './db';
import { BadUserInputError } from './errors';
import { isCalendarDate } from './scalars';

/** An Overview's key as the gateway sends it in `_entities` representations. */
export interface OverviewKey {
  scope: string;
  from: string;
  to: string;
}

/** How `scope` is read, the same in every subgraph. */
export type Scope = { kind: 'city' } | { kind: 'community'; communityId: string } | { kind: 'subdistrict'; subdistrict: string };

/** Longest period an analyst query may span (issue 5, "bad input"); the same rule in every subgraph. */
export const MAX_RANGE_YEARS = 5;

/** `day` moved by whole years (and days) on the calendar (29 February rolls over to 1 March). */
export function shiftDay(day: string, years: number, days = 0): string {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y + years, m - 1, d + days)).toISOString().slice(0, 10);
}

export const overviewCacheKey = (k: OverviewKey) => `${k.scope}|${k.from}|${k.to}`;

export function scopeOf(scope: string): Scope {
  if (scope === 'city') return { kind: 'city' };
  if (isUuid(scope)) return { kind: 'community', communityId: scope.toLowerCase() };
  return { kind: 'subdistrict', subdistrict: scope };
}

/**
 * A period of Asia/Shanghai calendar days, both inclusive: `from` after `to` is an error on
 * `to`, a span of 5 years or more an error on `from`. Used by the Overview key and by
 * issueTrend / commonIssues, so every analyst query reads a period the same way.
 */
export function checkPeriod(from: unknown, to: unknown): { from: string; to: string } {
  if (!isCalendarDate(from)) throw new BadUserInputError('from', `from 必须是 YYYY-MM-DD 日期 (expected a calendar day, got ${JSON.stringify(from)})`);
  if (!isCalendarDate(to)) throw new BadUserInputError('to', `to 必须是 YYYY-MM-DD 日期 (expected a calendar day, got ${JSON.stringify(to)})`);
  if (from > to) throw new BadUserInputError('to', `结束日期早于开始日期 (to ${to} is before from ${from})`);
  if (to >= shiftDay(from, MAX_RANGE_YEARS)) {
    throw new BadUserInputError('from', `统计区间不能超过 ${MAX_RANGE_YEARS} 年 (from ${from} to ${to} is longer than ${MAX_RANGE_YEARS} years)`);
  }
  return { from, to };
}

/**
 * Checks a representation's key. Representations bypass scalar parsing, so `from`/`to` arrive as
 * whatever the caller sent; the sessions subgraph's `overview` validates first, this is the
 * second line for callers that reach `_entities` some other way.
 */
export function parseOverviewKey(ref: unknown): OverviewKey {
  const { scope, from, to } = (ref ?? {}) as Record<string, unknown>;
  if (typeof scope !== 'string' || scope.trim() === '')
    throw new BadUserInputError('scope', `scope 必须是 "city"、街道名称或社区 ID (expected "city", a subdistrict or a community id, got ${JSON.stringify(scope)})`);
  return { scope, ...checkPeriod(from, to) };
}
