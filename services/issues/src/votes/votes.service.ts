import { BadUserInputError, ConflictError, isUuid, NotFoundError, requireResidentOrStaffOf, requireSignedIn, requireStaffOf, type Viewer } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { EventDraft } from '../issue-event/issue-event.writer';
import { Issue } from '../issue/issue.entity';
import { IssueEventKind, PlanStatus, type Stance } from '../issue/issue.enums';
import { isFinished } from '../issue/issue.machine';
import { actorOf } from '../issue/issue.service';
import { autoFollow } from '../follow/follow.store';
import { changeIssue, returning } from '../loop/issue-lock';
import { parseText } from '../loop/loop.input';
import { Plan } from './plan.entity';
import { tallyNote, VOTE_OPEN_SQL } from './vote-window';

const SUPPORT_ADD = `INSERT INTO issues.support (issue_id, supporter_id) VALUES ($1, $2) ON CONFLICT DO NOTHING RETURNING 1`;
const SUPPORT_REMOVE = `DELETE FROM issues.support WHERE issue_id = $1 AND supporter_id = $2 RETURNING 1`;

/**
 * Support votes and plan votes. Every vote locks its request row, so votes on one request are
 * serialised and the tallies counted inside the lock are exact; the (thing, viewer) primary keys
 * make each viewer's vote idempotent without a read-then-write race.
 */
export class VotesService {
  constructor(private readonly ds: DataSource) {}

  private async supportChange(viewer: Viewer, issueId: string, add: boolean): Promise<Issue> {
    requireSignedIn(viewer);
    // The answer is read inside the locking transaction: a read after commit would take a second
    // pooled connection and queue behind every waiting voter (measured in bench/, votes section).
    return changeIssue(this.ds, issueId, 'issueId', async (q, issue) => {
      requireResidentOrStaffOf(viewer, issue.community_id);
      // The support row and the tally in one statement: every round trip here is time the other
      // voters on this request wait for its row lock. No row changed (a repeat): no tally change.
      const [row] = await returning<{ support_count: number }>(
        q,
        `WITH changed AS (${add ? SUPPORT_ADD : SUPPORT_REMOVE})
         UPDATE issues.issue SET support_count = support_count + $3 WHERE id = $1 AND EXISTS (SELECT 1 FROM changed) RETURNING support_count`,
        [issueId, viewer.id, add ? 1 : -1],
      );
      const result = await q.manager.findOneByOrFail(Issue, { id: issueId });
      // Supporting follows (also a repeated support, which may come after an unfollow); withdrawing
      // keeps the follow. Last before the event: a new follow takes the events' lock (held to commit).
      if (add) await autoFollow(q, viewer, issueId);
      if (!row) return { result, events: [] };
      return { result, events: [{ kind: IssueEventKind.SUPPORT_CHANGED, actor: actorOf(viewer), supportCount: row.support_count }] };
    });
  }

  /** Idempotent per viewer: a second support changes nothing and logs nothing. */
  support(viewer: Viewer, issueId: string) {
    return this.supportChange(viewer, issueId, true);
  }

  withdraw(viewer: Viewer, issueId: string) {
    return this.supportChange(viewer, issueId, false);
  }

  /** RESIDENT or STAFF of the community; not on a finished request. */
  async propose(viewer: Viewer, issueId: string, summary: string): Promise<Plan> {
    requireSignedIn(viewer);
    const text = parseText('summary', summary, 1000);
    const planId = await changeIssue(this.ds, issueId, 'issueId', async (q, issue) => {
      requireResidentOrStaffOf(viewer, issue.community_id);
      if (isFinished(issue.status)) throw new ConflictError(issue.status, issue.status, `诉求已 ${issue.status}，不能再提方案 (a ${issue.status} request takes no new plans)`);
      const [row] = await q.query(`INSERT INTO issues.plan (issue_id, summary, proposed_by) VALUES ($1, $2, $3) RETURNING id`, [issueId, text, actorOf(viewer)]);
      return { result: row.id as string, events: [{ kind: IssueEventKind.PLAN_PROPOSED, actor: actorOf(viewer), note: text, planId: row.id }] };
    });
    return this.ds.getRepository(Plan).findOneByOrFail({ id: planId });
  }

  private async issueOfPlan(planId: string): Promise<string> {
    const [row] = isUuid(planId) ? await this.ds.query(`SELECT issue_id FROM issues.plan WHERE id = $1`, [planId]) : [];
    if (!row) throw new NotFoundError('Plan', planId, 'planId');
    return row.issue_id;
  }

  /** One stance per viewer; voting again changes it. Tallies are recounted inside the request lock. */
  async vote(viewer: Viewer, planId: string, stance: Stance): Promise<Plan> {
    requireSignedIn(viewer);
    const issueId = await this.issueOfPlan(planId);
    const plan = await changeIssue(this.ds, issueId, 'planId', async (q, issue) => {
      requireResidentOrStaffOf(viewer, issue.community_id);
      // FOR UPDATE: the closing sweep (which takes no request lock) waits for this vote, so a
      // vote counted here is in the closing tally, and none lands after it.
      const [plan] = await q.query(`SELECT status, ${VOTE_OPEN_SQL} AS open FROM issues.plan WHERE id = $1 FOR UPDATE`, [planId]);
      if (plan.status !== PlanStatus.OPEN) throw new ConflictError(plan.status, plan.status, `方案已 ${plan.status}，不能再投票 (the plan is decided)`);
      if (!plan.open) throw new ConflictError('VOTE_CLOSED', 'VOTED', '方案表决已结束，不能再投票 (the vote on this plan is closed)');
      const [prior] = await q.query(`SELECT stance FROM issues.plan_vote WHERE plan_id = $1 AND voter_id = $2`, [planId, viewer.id]);
      if (prior?.stance === stance) return { result: await q.manager.findOneByOrFail(Plan, { id: planId }), events: [] };
      await q.query(
        `INSERT INTO issues.plan_vote (plan_id, voter_id, stance) VALUES ($1, $2, $3)
         ON CONFLICT (plan_id, voter_id) DO UPDATE SET stance = EXCLUDED.stance, voted_at = now()`,
        [planId, viewer.id, stance],
      );
      await q.query(
        `UPDATE issues.plan p SET votes_for = t.f, votes_against = t.a, votes_abstain = t.x
         FROM (SELECT count(*) FILTER (WHERE stance = 'FOR') AS f, count(*) FILTER (WHERE stance = 'AGAINST') AS a, count(*) FILTER (WHERE stance = 'ABSTAIN') AS x
               FROM issues.plan_vote WHERE plan_id = $1) t
         WHERE p.id = $1`,
        [planId],
      );
      return {
        result: await q.manager.findOneByOrFail(Plan, { id: planId }),
        events: [{ kind: IssueEventKind.PLAN_VOTED, actor: actorOf(viewer), planId, supportCount: issue.support_count }],
      };
    });
    return plan;
  }

  /**
   * STAFF of the community: (re)opens an undecided plan's vote, until `closesAt` if given (then it
   * closes by itself, see vote-close.job.ts), else until closePlanVote or a decision.
   */
  async openVote(viewer: Viewer, planId: string, closesAt: Date | null): Promise<Plan> {
    requireSignedIn(viewer);
    if (closesAt && closesAt.getTime() <= Date.now()) throw new BadUserInputError('closesAt', `closesAt 必须晚于现在 (closesAt ${closesAt.toISOString()} is not in the future)`);
    const issueId = await this.issueOfPlan(planId);
    await changeIssue(this.ds, issueId, 'planId', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      const [plan] = await q.query(`SELECT status FROM issues.plan WHERE id = $1 FOR UPDATE`, [planId]);
      if (plan.status !== PlanStatus.OPEN) throw new ConflictError(plan.status, 'VOTE_OPEN', `方案已 ${plan.status}，不能再表决 (the plan is decided)`);
      await q.query(`UPDATE issues.plan SET vote_opened_at = now(), vote_closes_at = $2, vote_closed_at = NULL WHERE id = $1`, [planId, closesAt]);
      const note = closesAt ? `closes at ${closesAt.toISOString()}` : null;
      return { result: undefined, events: [{ kind: IssueEventKind.PLAN_VOTE_OPENED, actor: actorOf(viewer), planId, note, supportCount: issue.support_count }] };
    });
    return this.ds.getRepository(Plan).findOneByOrFail({ id: planId });
  }

  /** STAFF of the community: closes an open vote now; the plan stays undecided (decidePlan decides). */
  async closeVote(viewer: Viewer, planId: string): Promise<Plan> {
    requireSignedIn(viewer);
    const issueId = await this.issueOfPlan(planId);
    await changeIssue(this.ds, issueId, 'planId', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      const closed = await returning<{ votes_for: number; votes_against: number; votes_abstain: number }>(
        q,
        `UPDATE issues.plan SET vote_closed_at = now() WHERE id = $1 AND ${VOTE_OPEN_SQL} RETURNING votes_for, votes_against, votes_abstain`,
        [planId],
      );
      if (!closed.length) throw new ConflictError('VOTE_CLOSED', 'VOTE_CLOSED', '方案表决已结束 (the vote on this plan is not open)');
      return { result: undefined, events: [{ kind: IssueEventKind.PLAN_VOTE_CLOSED, actor: actorOf(viewer), planId, note: tallyNote(closed[0]), supportCount: issue.support_count }] };
    });
    return this.ds.getRepository(Plan).findOneByOrFail({ id: planId });
  }

  /** STAFF: adopting one plan rejects the request's other open plans. */
  async decide(viewer: Viewer, planId: string, adopt: boolean): Promise<Plan> {
    requireSignedIn(viewer);
    const issueId = await this.issueOfPlan(planId);
    await changeIssue(this.ds, issueId, 'planId', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      const to = adopt ? PlanStatus.ADOPTED : PlanStatus.REJECTED;
      const [plan] = await q.query(`SELECT status FROM issues.plan WHERE id = $1`, [planId]);
      if (plan.status !== PlanStatus.OPEN) throw new ConflictError(plan.status, to, `方案已 ${plan.status} (the plan is already decided)`);
      await q.query(`UPDATE issues.plan SET status = $2, decided_at = now() WHERE id = $1`, [planId, to]);
      const actor = actorOf(viewer);
      const events: EventDraft[] = [{ kind: IssueEventKind.PLAN_DECIDED, actor, planId, note: to }];
      if (adopt) {
        const others = await returning<{ id: string }>(q, `UPDATE issues.plan SET status = 'REJECTED', decided_at = now() WHERE issue_id = $1 AND id <> $2 AND status = 'OPEN' RETURNING id`, [
          issueId,
          planId,
        ]);
        for (const o of others) events.push({ kind: IssueEventKind.PLAN_DECIDED, actor, planId: o.id, note: `REJECTED (采纳了另一方案 another plan was adopted)` });
      }
      return { result: undefined, events };
    });
    return this.ds.getRepository(Plan).findOneByOrFail({ id: planId });
  }
}
