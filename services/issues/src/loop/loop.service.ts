import { ConflictError, ForbiddenError, isUuid, NotFoundError, requireSignedIn, requireStaffOf, shanghaiDay, type Viewer } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { EventDraft } from '../issue-event/issue-event.writer';
import { Issue } from '../issue/issue.entity';
import { IssueEventKind, IssueLevel, IssueStatus } from '../issue/issue.enums';
import { acceptsLedgerWork, expectMove, isEscalation, isFinished } from '../issue/issue.machine';
import { canSeeReporter } from '../issue/issue.rules';
import { actorOf, type Clock } from '../issue/issue.service';
import { changeIssue } from './issue-lock';
import { parseEvaluation, parseLedgerEntry, parseOutcomes, parseText, type EvaluationInput, type LedgerEntryInput, type OutcomeInput } from './loop.input';

const { CLAIMED, IN_PROGRESS, RECTIFYING } = IssueStatus;

/**
 * The closed loop 诉求→认领→落实→反馈→评价→整改, each move checked against issue.machine.ts'
 * TRANSITIONS. Input is checked before the transaction; roles and the current status inside it, on the
 * locked row.
 */
export class LoopService {
  constructor(
    private readonly ds: DataSource,
    private readonly clock: Clock,
  ) {}

  private reload(id: string): Promise<Issue> {
    return this.ds.getRepository(Issue).findOneByOrFail({ id });
  }

  private async run(viewer: Viewer, issueId: string, field: string, fn: Parameters<typeof changeIssue<void>>[3]): Promise<Issue> {
    requireSignedIn(viewer);
    await changeIssue<void>(this.ds, issueId, field, fn);
    return this.reload(issueId);
  }

  /** 认领: SUBMITTED -> CLAIMED, by STAFF of the request's community. */
  claim(viewer: Viewer, id: string, department: string) {
    const dept = parseText('department', department, 100);
    return this.run(viewer, id, 'id', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      const to = expectMove(issue.status, 'claim');
      await q.query(`UPDATE issues.issue SET status = $2, claim_department = $3, claimed_by = $4, claimed_at = now() WHERE id = $1`, [id, to, dept, actorOf(viewer)]);
      return { result: undefined, events: [{ kind: IssueEventKind.CLAIMED, actor: actorOf(viewer), note: dept, from: issue.status, to }] };
    });
  }

  /**
   * 整改台账: CLAIMED | IN_PROGRESS -> IN_PROGRESS, and RECTIFYING -> IN_PROGRESS (a new round of
   * rectification after an unsatisfied evaluation, logged as RECTIFICATION_STARTED).
   */
  addLedgerEntry(viewer: Viewer, issueId: string, input: LedgerEntryInput) {
    const data = parseLedgerEntry(input, shanghaiDay(this.clock()));
    return this.run(viewer, issueId, 'issueId', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      expectMove(issue.status, 'addLedgerEntry');
      await q.query(`INSERT INTO issues.ledger_entry (issue_id, measure, responsible_person, responsible_unit, deadline) VALUES ($1, $2, $3, $4, $5)`, [
        issueId,
        data.measure,
        data.responsiblePerson,
        data.responsibleUnit,
        data.deadline,
      ]);
      if (issue.status !== IN_PROGRESS) await q.query(`UPDATE issues.issue SET status = $2 WHERE id = $1`, [issueId, IN_PROGRESS]);
      const actor = actorOf(viewer);
      const note = `${data.measure} (截止 ${data.deadline}, ${data.responsibleUnit} ${data.responsiblePerson})`;
      const events: EventDraft[] =
        issue.status === RECTIFYING
          ? [
              { kind: IssueEventKind.RECTIFICATION_STARTED, actor, from: RECTIFYING, to: IN_PROGRESS },
              { kind: IssueEventKind.LEDGER_ADDED, actor, note },
            ]
          : issue.status === CLAIMED
            ? [{ kind: IssueEventKind.LEDGER_ADDED, actor, note, from: CLAIMED, to: IN_PROGRESS }]
            : [{ kind: IssueEventKind.LEDGER_ADDED, actor, note }];
      return { result: undefined, events };
    });
  }

  /** Marks an entry done (also a late one). No status change. */
  async completeLedgerEntry(viewer: Viewer, entryId: string) {
    requireSignedIn(viewer);
    const [entry] = isUuid(entryId) ? await this.ds.query(`SELECT issue_id FROM issues.ledger_entry WHERE id = $1`, [entryId]) : [];
    if (!entry) throw new NotFoundError('LedgerEntry', entryId, 'id');
    return this.run(viewer, entry.issue_id, 'id', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      if (!acceptsLedgerWork(issue.status)) throw new ConflictError(issue.status, issue.status, `诉求已 ${issue.status} (the request is ${issue.status})`);
      const [locked] = await q.query(`SELECT status, measure FROM issues.ledger_entry WHERE id = $1 FOR UPDATE`, [entryId]);
      if (locked.status === 'DONE') throw new ConflictError('DONE', 'DONE', '台账已完成 (ledger entry already done)');
      await q.query(`UPDATE issues.ledger_entry SET status = 'DONE', completed_at = now() WHERE id = $1`, [entryId]);
      return { result: undefined, events: [{ kind: IssueEventKind.LEDGER_DONE, actor: actorOf(viewer), note: locked.measure }] };
    });
  }

  /** 反馈: IN_PROGRESS -> FEEDBACK_GIVEN. */
  giveFeedback(viewer: Viewer, issueId: string, text: string) {
    const body = parseText('text', text, 2000);
    return this.run(viewer, issueId, 'issueId', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      const to = expectMove(issue.status, 'giveFeedback');
      await q.query(`INSERT INTO issues.feedback (issue_id, text, given_by) VALUES ($1, $2, $3)`, [issueId, body, actorOf(viewer)]);
      await q.query(`UPDATE issues.issue SET status = $2 WHERE id = $1`, [issueId, to]);
      return { result: undefined, events: [{ kind: IssueEventKind.FEEDBACK_GIVEN, actor: actorOf(viewer), note: body, from: issue.status, to }] };
    });
  }

  /** 评价: FEEDBACK_GIVEN -> RESOLVED (satisfied) | RECTIFYING (not); by the reporter or STAFF on their behalf. */
  evaluate(viewer: Viewer, issueId: string, input: EvaluationInput) {
    const data = parseEvaluation(input);
    return this.run(viewer, issueId, 'issueId', async (q, issue) => {
      if (!canSeeReporter(viewer, { reporterId: issue.reporter_id, communityId: issue.community_id })) {
        throw new ForbiddenError('仅限提出人或该社区工作人员评价 (only the reporter, or STAFF of the community on their behalf)');
      }
      const to = expectMove(issue.status, data.satisfied ? 'evaluateSatisfied' : 'evaluateUnsatisfied');
      await q.query(`INSERT INTO issues.evaluation (issue_id, satisfied, rating, comment, evaluated_by) VALUES ($1, $2, $3, $4, $5)`, [
        issueId,
        data.satisfied,
        data.rating,
        data.comment,
        actorOf(viewer),
      ]);
      await q.query(`UPDATE issues.issue SET status = $2, resolved_at = CASE WHEN $2 = 'RESOLVED' THEN now() ELSE resolved_at END WHERE id = $1`, [issueId, to]);
      const note = `${data.satisfied ? '满意' : '不满意'} ${data.rating}/5${data.comment ? `: ${data.comment}` : ''}`;
      return { result: undefined, events: [{ kind: IssueEventKind.EVALUATED, actor: actorOf(viewer), note, from: issue.status, to }] };
    });
  }

  /** 升级: the level only goes up (GRID -> COMMUNITY -> SUBDISTRICT -> CITY). */
  escalate(viewer: Viewer, id: string, level: IssueLevel, reason: string) {
    const why = parseText('reason', reason, 500);
    return this.run(viewer, id, 'id', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      if (isFinished(issue.status)) throw new ConflictError(issue.status, issue.status, `诉求已 ${issue.status}，不能升级 (a ${issue.status} request cannot be escalated)`);
      if (!isEscalation(issue.level, level)) {
        throw new ConflictError(issue.level, level, `层级只能上升 (level only goes up: ${issue.level} -> ${level})`);
      }
      await q.query(`UPDATE issues.issue SET level = $2 WHERE id = $1`, [id, level]);
      return { result: undefined, events: [{ kind: IssueEventKind.ESCALATED, actor: actorOf(viewer), note: `${issue.level} -> ${level}: ${why}` }] };
    });
  }

  /** 现场解决: SUBMITTED -> RESOLVED, with what came of it (e.g. CHARGING_SHED x5). */
  resolveOnSite(viewer: Viewer, id: string, note: string, outcomes: OutcomeInput[] | null | undefined) {
    const body = parseText('note', note, 2000);
    const items = parseOutcomes(outcomes);
    return this.run(viewer, id, 'id', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      const to = expectMove(issue.status, 'resolveOnSite');
      if (items.length) {
        await q.query(`INSERT INTO issues.outcome (issue_id, kind, quantity, note, position) SELECT $1, k, n, t, p FROM unnest($2::text[], $3::int[], $4::text[], $5::int[]) AS u(k, n, t, p)`, [
          id,
          items.map((o) => o.kind),
          items.map((o) => o.quantity),
          items.map((o) => o.note),
          items.map((_, i) => i),
        ]);
      }
      await q.query(`UPDATE issues.issue SET status = $2, resolved_on_site = true, resolved_at = now() WHERE id = $1`, [id, to]);
      return { result: undefined, events: [{ kind: IssueEventKind.RESOLVED, actor: actorOf(viewer), note: body, from: issue.status, to }] };
    });
  }

  /** SUBMITTED | CLAIMED -> REJECTED, with a reason. */
  reject(viewer: Viewer, id: string, reason: string) {
    const why = parseText('reason', reason, 500);
    return this.run(viewer, id, 'id', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      const to = expectMove(issue.status, 'reject');
      await q.query(`UPDATE issues.issue SET status = $2 WHERE id = $1`, [id, to]);
      return { result: undefined, events: [{ kind: IssueEventKind.REJECTED, actor: actorOf(viewer), note: why, from: issue.status, to }] };
    });
  }

  /** 归档: RESOLVED -> CLOSED. */
  close(viewer: Viewer, id: string) {
    return this.run(viewer, id, 'id', async (q, issue) => {
      requireStaffOf(viewer, issue.community_id);
      const to = expectMove(issue.status, 'close');
      await q.query(`UPDATE issues.issue SET status = $2 WHERE id = $1`, [id, to]);
      return { result: undefined, events: [{ kind: IssueEventKind.CLOSED, actor: actorOf(viewer), from: issue.status, to }] };
    });
  }
}
