import { ConflictError } from '@plaza/shared';
import { IssueLevel, IssueStatus } from './issue.enums';
import { acceptsLedgerWork, canMove, expectMove, isEscalation, isFinished, TRANSITIONS, type IssueMove } from './issue.machine';

const ALL = Object.values(IssueStatus);
const S = IssueStatus;

describe('issue status machine', () => {
  // The contract's drawing, written out status by status: which moves each status allows.
  const allowed: Record<IssueStatus, IssueMove[]> = {
    SUBMITTED: ['claim', 'resolveOnSite', 'reject'],
    CLAIMED: ['addLedgerEntry', 'reject'],
    IN_PROGRESS: ['addLedgerEntry', 'giveFeedback'],
    FEEDBACK_GIVEN: ['evaluateSatisfied', 'evaluateUnsatisfied'],
    RECTIFYING: ['addLedgerEntry'],
    RESOLVED: ['close'],
    REJECTED: [],
    CLOSED: [],
  };

  it.each(ALL)('from %s exactly the drawn moves are legal', (status) => {
    const legal = (Object.keys(TRANSITIONS) as IssueMove[]).filter((m) => canMove(status, m));
    expect(legal.sort()).toEqual([...allowed[status]].sort());
  });

  it('each move lands where the contract says', () => {
    expect(Object.fromEntries(Object.entries(TRANSITIONS).map(([m, t]) => [m, t.to]))).toEqual({
      claim: S.CLAIMED,
      addLedgerEntry: S.IN_PROGRESS,
      giveFeedback: S.FEEDBACK_GIVEN,
      evaluateSatisfied: S.RESOLVED,
      evaluateUnsatisfied: S.RECTIFYING,
      resolveOnSite: S.RESOLVED,
      reject: S.REJECTED,
      close: S.CLOSED,
    });
  });

  it('expectMove answers the target, or a CONFLICT naming both ends that changes nothing', () => {
    expect(expectMove(S.SUBMITTED, 'claim')).toBe(S.CLAIMED);
    let err: unknown;
    try {
      expectMove(S.CLOSED, 'claim');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConflictError);
    expect((err as ConflictError).message).toContain('illegal transition CLOSED -> CLAIMED');
    expect((err as ConflictError).extensions).toMatchObject({ code: 'CONFLICT' });
  });

  it('finished: RESOLVED, REJECTED, CLOSED and nothing else', () => {
    expect(ALL.filter(isFinished).sort()).toEqual([S.CLOSED, S.REJECTED, S.RESOLVED]);
  });

  it('a ledger entry may be completed until the request is REJECTED or CLOSED (a RESOLVED one still takes late completions)', () => {
    expect(ALL.filter((s) => !acceptsLedgerWork(s)).sort()).toEqual([S.CLOSED, S.REJECTED]);
  });

  it('the level only goes up', () => {
    expect(isEscalation(IssueLevel.GRID, IssueLevel.COMMUNITY)).toBe(true);
    expect(isEscalation(IssueLevel.GRID, IssueLevel.CITY)).toBe(true);
    expect(isEscalation(IssueLevel.COMMUNITY, IssueLevel.COMMUNITY)).toBe(false);
    expect(isEscalation(IssueLevel.CITY, IssueLevel.SUBDISTRICT)).toBe(false);
  });
});
