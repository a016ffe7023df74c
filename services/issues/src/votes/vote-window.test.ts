import { PlanStatus } from '../issue/issue.enums';
import { isVoteOpen } from './vote-window';

const now = new Date('2026-12-04T12:00:00Z');
const at = (s: number) => new Date(now.getTime() + s * 1000);

describe('isVoteOpen', () => {
  it('keeps a plan nobody opened or closed open, as before (demo data, older plans)', () => {
    expect(isVoteOpen({ status: PlanStatus.OPEN, voteClosesAt: null, voteClosedAt: null }, now)).toBe(true);
  });
  it('is open until the closing time, and closed from that instant on', () => {
    expect(isVoteOpen({ status: PlanStatus.OPEN, voteClosesAt: at(1), voteClosedAt: null }, now)).toBe(true);
    expect(isVoteOpen({ status: PlanStatus.OPEN, voteClosesAt: at(0), voteClosedAt: null }, now)).toBe(false);
    expect(isVoteOpen({ status: PlanStatus.OPEN, voteClosesAt: at(-1), voteClosedAt: null }, now)).toBe(false);
  });
  it('is closed once closed, or once the plan is decided', () => {
    expect(isVoteOpen({ status: PlanStatus.OPEN, voteClosesAt: null, voteClosedAt: at(-5) }, now)).toBe(false);
    expect(isVoteOpen({ status: PlanStatus.ADOPTED, voteClosesAt: null, voteClosedAt: null }, now)).toBe(false);
  });
});
