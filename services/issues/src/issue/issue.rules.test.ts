import type { Viewer } from '@plaza/shared';
import { LedgerStatus } from './issue.enums';
import { canSeeReporter, isIssueOverdue, isOverdue, ledgerStatusSeen } from './issue.rules';
import { OVERDUE_CASES, OVERDUE_TODAY } from './overdue.cases';

const person = (id: string | null, roles: Viewer['roles'] = [], communityIds: string[] = []): Viewer => ({ id, name: id, roles, communityIds });

describe('isOverdue', () => {
  it.each(OVERDUE_CASES)('$status due $deadline on ' + OVERDUE_TODAY + ': overdue=$overdue', (c) => {
    expect(isOverdue(c, OVERDUE_TODAY)).toBe(c.overdue);
  });

  it('a request is overdue while any entry is', () => {
    const done = { status: LedgerStatus.DONE, deadline: '2026-11-01' };
    const late = { status: LedgerStatus.OPEN, deadline: '2026-11-01' };
    expect(isIssueOverdue([], OVERDUE_TODAY)).toBe(false);
    expect(isIssueOverdue([done], OVERDUE_TODAY)).toBe(false);
    expect(isIssueOverdue([done, late], OVERDUE_TODAY)).toBe(true);
  });

  it('clients see an OPEN entry past its day as OVERDUE before the sweep stores it; other statuses as stored', () => {
    expect(ledgerStatusSeen({ status: LedgerStatus.OPEN, deadline: '2026-11-30' }, OVERDUE_TODAY)).toBe(LedgerStatus.OVERDUE);
    expect(ledgerStatusSeen({ status: LedgerStatus.OPEN, deadline: OVERDUE_TODAY }, OVERDUE_TODAY)).toBe(LedgerStatus.OPEN);
    expect(ledgerStatusSeen({ status: LedgerStatus.DONE, deadline: '2026-11-30' }, OVERDUE_TODAY)).toBe(LedgerStatus.DONE);
    expect(ledgerStatusSeen({ status: LedgerStatus.OVERDUE, deadline: OVERDUE_TODAY }, OVERDUE_TODAY)).toBe(LedgerStatus.OVERDUE);
  });
});

describe('canSeeReporter', () => {
  const issue = { reporterId: 'r-1', communityId: 'c-1' };
  it.each([
    ['the reporter', person('r-1', ['RESIDENT']), true],
    ['STAFF of the community', person('s-1', ['STAFF'], ['c-1']), true],
    ['ADMIN', person('a-1', ['ADMIN']), true],
    ['STAFF of another community', person('s-2', ['STAFF'], ['c-2']), false],
    ['another resident', person('r-2', ['RESIDENT'], ['c-1']), false],
    ['nobody signed in', person(null), false],
  ])('%s: %s', (_who, v, expected) => {
    expect(canSeeReporter(v, issue)).toBe(expected);
  });

  it('an anonymous viewer never matches a request raised without a reporter id', () => {
    expect(canSeeReporter(person(null), { reporterId: null, communityId: 'c-1' })).toBe(false);
  });
});
