import { countdown, formatWhen, pickSession, shanghaiMonthStart, shanghaiToday, voteResult } from '../client/screen.format';
import { planState } from '../client/screen.live-view';

const now = Date.parse('2026-12-04T12:00:00Z');
const ref = (id: string, scheduledAt: string, endedAt: string | null = null) => ({ id, scheduledAt, endedAt });
const hoursAgo = (h: number) => new Date(now - h * 3600_000).toISOString();

describe('pickSession — what a community screen shows', () => {
  it('a LIVE session wins over everything', () => {
    expect(pickSession({ live: [ref('l', hoursAgo(1))], planned: [ref('p', hoursAgo(-24))], closed: [ref('c', hoursAgo(3), hoursAgo(2))] }, now)).toEqual({ view: 'live', sessionId: 'l' });
  });
  it('a session that ended within 12 h shows its summary, with the next one beside it', () => {
    expect(pickSession({ live: [], planned: [ref('p', hoursAgo(-24))], closed: [ref('c', hoursAgo(3), hoursAgo(2))] }, now)).toEqual({ view: 'ended', sessionId: 'c', next: 'p' });
  });
  it('else the nearest PLANNED one (up to 6 h late), else the waiting view', () => {
    const planned = [ref('far', hoursAgo(-200)), ref('near', hoursAgo(-2)), ref('stale', hoursAgo(30))];
    expect(pickSession({ live: [], planned, closed: [ref('c', hoursAgo(50), hoursAgo(48))] }, now)).toEqual({ view: 'planned', sessionId: 'near' });
    expect(pickSession({ live: [], planned: [ref('stale', hoursAgo(30))], closed: [] }, now)).toEqual({ view: 'none' });
  });
});

describe('screen formatting', () => {
  it('counts down in days and h:m:s, and null once due', () => {
    expect(countdown(new Date(now + (3 * 86400 + 4 * 3600 + 12 * 60 + 9) * 1000).toISOString(), now)).toBe('3 天 04:12:09');
    expect(countdown(new Date(now + 65_000).toISOString(), now)).toBe('00:01:05');
    expect(countdown(new Date(now).toISOString(), now)).toBeNull();
  });
  it('says when in Asia/Shanghai', () => {
    expect(formatWhen('2026-12-04T11:30:00Z')).toBe('12月4日 周五 19:30');
  });
  it('months and days are Asia/Shanghai ones', () => {
    expect(shanghaiMonthStart(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12-01'); // already 1 December in Jiaozhou
    expect(shanghaiToday(new Date('2026-11-30T17:00:00Z'))).toBe('2026-12-01');
  });
  it('says how a plan vote stands', () => {
    const p = { id: 'p', summary: '', status: 'OPEN', votesFor: 3, votesAgainst: 1, votesAbstain: 1, votesCast: 5, voteOpen: true, voteClosesAt: null as string | null, voteClosedAt: null };
    expect(planState(p, now)).toBe('表决中');
    expect(planState({ ...p, voteClosesAt: new Date(now + 90_000).toISOString() }, now)).toBe('表决中 · 剩 00:01:30');
    expect(planState({ ...p, voteOpen: false }, now)).toBe('表决结束 · 赞成多数');
    expect(planState({ ...p, status: 'ADOPTED', voteOpen: false }, now)).toBe('已通过');
    expect(voteResult({ votesFor: 0, votesAgainst: 0, votesAbstain: 0 })).toBe('无人投票');
  });
});
