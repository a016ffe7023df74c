import { PlanStatus } from '../issue/issue.enums';

/** The columns of a plan that decide whether it takes votes. */
export interface VoteWindow {
  status: PlanStatus | string;
  voteClosesAt: Date | null;
  voteClosedAt: Date | null;
}

/**
 * A plan takes votes while it is OPEN (undecided), its vote was not closed, and its closing time,
 * if any, is still ahead. A plan nobody opened or closed explicitly (every plan before issue 13,
 * the demo year's) has no closing time and stays open as it always was.
 */
export function isVoteOpen(p: VoteWindow, now: Date): boolean {
  return p.status === PlanStatus.OPEN && p.voteClosedAt == null && (p.voteClosesAt == null || p.voteClosesAt.getTime() > now.getTime());
}

/** The same rule in SQL over issues.plan (alias-free), on the database's clock. */
export const VOTE_OPEN_SQL = `status = 'OPEN' AND vote_closed_at IS NULL AND (vote_closes_at IS NULL OR vote_closes_at > now())`;

/** The final tally as the PLAN_VOTE_CLOSED event's note says it. */
export const tallyNote = (t: { votes_for: number; votes_against: number; votes_abstain: number }) =>
  `赞成 ${t.votes_for} · 反对 ${t.votes_against} · 弃权 ${t.votes_abstain} (for ${t.votes_for}, against ${t.votes_against}, abstain ${t.votes_abstain})`;
