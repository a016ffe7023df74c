import { ForbiddenError, hasRole, isUuid, requireSignedIn, type Viewer } from '@plaza/shared';
import { LeagueOrder, type LeagueEntry } from './league.types';

type Figure = 'resolved' | 'medianHoursToClaim' | 'medianHoursToFirstFeedback' | 'onTimeRate' | 'satisfactionRate' | 'reworkRate';

/** What each order sorts by and which way is better: more resolved, faster, more on time, more satisfied, less rework. */
export const LEAGUE_ORDER: Record<LeagueOrder, { figure: Figure; better: 'higher' | 'lower' }> = {
  [LeagueOrder.RESOLVED]: { figure: 'resolved', better: 'higher' },
  [LeagueOrder.HOURS_TO_CLAIM]: { figure: 'medianHoursToClaim', better: 'lower' },
  [LeagueOrder.HOURS_TO_FEEDBACK]: { figure: 'medianHoursToFirstFeedback', better: 'lower' },
  [LeagueOrder.ON_TIME_RATE]: { figure: 'onTimeRate', better: 'higher' },
  [LeagueOrder.SATISFACTION]: { figure: 'satisfactionRate', better: 'higher' },
  [LeagueOrder.REWORK_RATE]: { figure: 'reworkRate', better: 'lower' },
};

/**
 * Best first by the chosen figure; a unit without that figure (null) goes last whichever way;
 * ties by more resolved, more claimed, then kind and unit name, so the order (and the offset
 * cursors) are stable.
 */
export function compareLeague(order: LeagueOrder): (a: LeagueEntry, b: LeagueEntry) => number {
  const { figure, better } = LEAGUE_ORDER[order];
  return (a, b) => {
    const x = a[figure];
    const y = b[figure];
    if (x !== y) {
      if (x == null) return 1;
      if (y == null) return -1;
      return better === 'higher' ? y - x : x - y;
    }
    return b.resolved - a.resolved || b.claimed - a.claimed || cmp(a.kind, b.kind) || cmp(a.unit, b.unit);
  };
}

const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Who may read the league of a scope: ANALYST and ADMIN anywhere; STAFF only a scope that is one
 * of their own communities (a subdistrict or the city would show other communities' units).
 */
export function requireLeagueReader(viewer: Viewer, scope: string): void {
  requireSignedIn(viewer);
  if (hasRole(viewer, 'ADMIN', 'ANALYST')) return;
  if (hasRole(viewer, 'STAFF')) {
    if (isUuid(scope) && viewer.communityIds.includes(scope.toLowerCase())) return;
    throw new ForbiddenError(`仅可查看本人所在社区的考核 (STAFF may read the league of their own communities only, not ${JSON.stringify(scope)})`);
  }
  throw new ForbiddenError('考核排行仅限分析人员、管理员和社区工作人员 (requires ANALYST, ADMIN or STAFF)');
}
