/**
 * Pure helpers of the plaza screen (no DOM): times in Asia/Shanghai, the countdown, which session
 * a community screen shows. Unit-tested in __tests__/screen.format.test.ts.
 */

const TZ = 'Asia/Shanghai';

/** 12月4日 周五 19:30 */
export function formatWhen(iso: string): string {
  const parts = new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, month: 'numeric', day: 'numeric', weekday: 'short' }).formatToParts(new Date(iso));
  const get = (t: string) => parts.find((p) => p.type === t)?.value ?? '';
  return `${get('month')}月${get('day')}日 ${get('weekday')} ${formatClock(iso)}`;
}

/** 19:30 */
export function formatClock(iso: string | Date): string {
  return new Intl.DateTimeFormat('zh-CN', { timeZone: TZ, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(iso));
}

/** The first day of `now`'s month in Asia/Shanghai, YYYY-MM-DD (for "本月已解决"). */
export function shanghaiMonthStart(now: Date): string {
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit' }).formatToParts(now);
  const get = (t: string) => parts.find((p) => p.type === t)!.value;
  return `${get('year')}-${get('month')}-01`;
}

/** `now`'s calendar day in Asia/Shanghai, YYYY-MM-DD (ledger deadlines are such days). */
export function shanghaiToday(now: Date): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: TZ, year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

/** 3 天 04:12:09, 04:12:09, or null once the moment has come. */
export function countdown(targetIso: string, now: number): string | null {
  let s = Math.floor((Date.parse(targetIso) - now) / 1000);
  if (s <= 0) return null;
  const days = Math.floor(s / 86400);
  s -= days * 86400;
  const hms = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60].map((n) => String(n).padStart(2, '0')).join(':');
  return days ? `${days} 天 ${hms}` : hms;
}

export interface SessionRefLike {
  id: string;
  scheduledAt: string;
  endedAt: string | null;
}

/** How long a finished session's summary stays up when nothing is live (then: the next one). */
export const SUMMARY_HOURS = 12;

export type Pick = { view: 'live'; sessionId: string } | { view: 'ended'; sessionId: string; next: string | null } | { view: 'planned'; sessionId: string } | { view: 'none' };

/**
 * A community screen shows its LIVE session; else the summary of one that ended within
 * SUMMARY_HOURS (with the next one beside it); else the next PLANNED one (a planned one up to six
 * hours late still counts: staff may start late); else a waiting view.
 */
export function pickSession(c: { live: SessionRefLike[]; planned: SessionRefLike[]; closed: SessionRefLike[] }, now: number): Pick {
  const live = c.live[0];
  if (live) return { view: 'live', sessionId: live.id };
  const upcoming = c.planned.filter((s) => Date.parse(s.scheduledAt) >= now - 6 * 3600_000).sort((a, b) => Date.parse(a.scheduledAt) - Date.parse(b.scheduledAt))[0];
  const ended = c.closed[0];
  if (ended?.endedAt && now - Date.parse(ended.endedAt) < SUMMARY_HOURS * 3600_000) return { view: 'ended', sessionId: ended.id, next: upcoming?.id ?? null };
  if (upcoming) return { view: 'planned', sessionId: upcoming.id };
  return { view: 'none' };
}

/** A plan's vote, as the screen says it. */
export function voteResult(p: { votesFor: number; votesAgainst: number; votesAbstain: number }): string {
  if (p.votesFor > p.votesAgainst) return '赞成多数';
  if (p.votesAgainst > p.votesFor) return '反对多数';
  return p.votesFor + p.votesAgainst + p.votesAbstain ? '赞成反对持平' : '无人投票';
}
