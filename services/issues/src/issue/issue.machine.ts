import { ConflictError } from '@plaza/shared';
import { FINISHED_STATUSES, IssueLevel, IssueStatus, LEVEL_ORDER } from './issue.enums';

const { SUBMITTED, CLAIMED, IN_PROGRESS, FEEDBACK_GIVEN, RECTIFYING, RESOLVED, REJECTED, CLOSED } = IssueStatus;

/**
 * The contract's status machine 诉求→认领→落实→反馈→评价→整改 as data: each move, the statuses it
 * may start from and the one it ends in. Keyed by move, not by status, because two moves reach
 * RESOLVED from different places (on site from SUBMITTED, a satisfied evaluation from FEEDBACK_GIVEN).
 */
export const TRANSITIONS = {
  claim: { from: [SUBMITTED], to: CLAIMED },
  /** RECTIFYING -> IN_PROGRESS is a new round of rectification after an unsatisfied evaluation. */
  addLedgerEntry: { from: [CLAIMED, IN_PROGRESS, RECTIFYING], to: IN_PROGRESS },
  giveFeedback: { from: [IN_PROGRESS], to: FEEDBACK_GIVEN },
  evaluateSatisfied: { from: [FEEDBACK_GIVEN], to: RESOLVED },
  evaluateUnsatisfied: { from: [FEEDBACK_GIVEN], to: RECTIFYING },
  resolveOnSite: { from: [SUBMITTED], to: RESOLVED },
  reject: { from: [SUBMITTED, CLAIMED], to: REJECTED },
  close: { from: [RESOLVED], to: CLOSED },
} as const satisfies Record<string, { from: readonly IssueStatus[]; to: IssueStatus }>;

export type IssueMove = keyof typeof TRANSITIONS;

export const canMove = (status: IssueStatus, move: IssueMove): boolean => (TRANSITIONS[move].from as readonly IssueStatus[]).includes(status);

/** The machine's guard: where `move` leads from `status`, or CONFLICT naming both. */
export function expectMove(status: IssueStatus, move: IssueMove): IssueStatus {
  const { to } = TRANSITIONS[move];
  if (!canMove(status, move)) throw new ConflictError(status, to, `不能从 ${status} 变为 ${to} (illegal transition ${status} -> ${to})`);
  return to;
}

/** No plan or level changes any more (FINISHED_STATUSES is the same set for SQL). */
export const isFinished = (status: IssueStatus): boolean => FINISHED_STATUSES.includes(status);

/** A late ledger entry may still be marked done once the request is RESOLVED, not once it is REJECTED or CLOSED. */
export const acceptsLedgerWork = (status: IssueStatus): boolean => status !== REJECTED && status !== CLOSED;

/** The level only goes up: GRID -> COMMUNITY -> SUBDISTRICT -> CITY. */
export const isEscalation = (from: IssueLevel, to: IssueLevel): boolean => LEVEL_ORDER.indexOf(to) > LEVEL_ORDER.indexOf(from);
