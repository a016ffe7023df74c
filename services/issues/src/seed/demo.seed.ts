import { inTransaction } from '@plaza/shared';
import { buildDemoWorld, type DemoIssue, type DemoWorld } from '@plaza/shared/demo';
import type { DataSource, QueryRunner } from 'typeorm';
import { EVENT_LOG_LOCK } from '../issue-event/issue-event.writer';
import { IssueEventKind, IssueLevel, IssueStatus, PlanStatus } from '../issue/issue.enums';

/** Rows per INSERT: 500 rows × at most 20 columns stays far below Postgres' 65,535 parameters. */
const CHUNK = 500;
const MINUTE = 60_000;
/** Who acts where the plan names nobody (on-site resolutions, decisions on plans). */
const STAFF = '社区工作人员';

type Row = unknown[];

async function insertRows(q: QueryRunner, table: string, columns: string[], rows: Row[], onProgress?: (msg: string) => void): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
    await q.query(`INSERT INTO issues.${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    onProgress?.(`issues: ${table} ${Math.min(start + CHUNK, rows.length)}/${rows.length}`);
  }
}

interface Event {
  at: Date;
  kind: IssueEventKind;
  actor: string | null;
  note?: string | null;
  from?: IssueStatus | null;
  to?: IssueStatus | null;
  planId?: string | null;
  supportCount?: number | null;
}

/** Every table's rows for one request of the plan. */
interface IssueRows {
  issue: Row;
  ledger: Row[];
  feedback: Row[];
  evaluations: Row[];
  outcomes: Row[];
  plans: Row[];
  votes: Row[];
  supports: Row[];
  events: (Event & { issue: DemoIssue })[];
}

/**
 * Replays one request's steps the way the loop mutations would have written them: the same
 * status transitions, the same event kinds, from/to statuses and notes (see loop.service.ts,
 * votes.service.ts, overdue.job.ts), with the plan's own timestamps.
 */
export function issueRows(i: DemoIssue): IssueRows {
  const { SUBMITTED, CLAIMED, IN_PROGRESS, FEEDBACK_GIVEN, RECTIFYING, RESOLVED, REJECTED, CLOSED } = IssueStatus;
  // An object, not a `let`: `go` changes it from a closure, which TS's narrowing does not see.
  const state: { status: IssueStatus } = { status: SUBMITTED };
  let level: IssueLevel = IssueLevel.GRID;
  let claim: { department: string; claimedBy: string; at: Date } | null = null;
  let resolvedAt: Date | null = null;
  let onSite = false;
  const out: IssueRows = { issue: [], ledger: [], feedback: [], evaluations: [], outcomes: [], plans: [], votes: [], supports: [], events: [] };
  const log = (e: Event) => out.events.push({ ...e, issue: i });
  const staff = () => claim?.claimedBy ?? STAFF;
  const go = (to: IssueStatus) => {
    const from = state.status;
    state.status = to;
    return from;
  };

  log({ at: i.raisedAt, kind: IssueEventKind.RAISED, actor: i.raisedBy, to: SUBMITTED });
  for (const s of i.steps) {
    switch (s.type) {
      case 'claim':
        claim = { department: s.department, claimedBy: s.claimedBy, at: s.at };
        log({ at: s.at, kind: IssueEventKind.CLAIMED, actor: s.claimedBy, note: s.department, from: go(CLAIMED), to: CLAIMED });
        break;
      case 'ledger': {
        const entryStatus = s.completedAt ? 'DONE' : s.overdueAt ? 'OVERDUE' : 'OPEN';
        out.ledger.push([s.id, i.id, s.measure, s.responsiblePerson, s.responsibleUnit, s.deadline, entryStatus, s.at, s.completedAt, s.overdueAt]);
        const note = `${s.measure} (截止 ${s.deadline}, ${s.responsibleUnit} ${s.responsiblePerson})`;
        if (state.status === RECTIFYING) {
          log({ at: s.at, kind: IssueEventKind.RECTIFICATION_STARTED, actor: staff(), from: go(IN_PROGRESS), to: IN_PROGRESS });
          log({ at: s.at, kind: IssueEventKind.LEDGER_ADDED, actor: staff(), note });
        } else if (state.status === CLAIMED) {
          log({ at: s.at, kind: IssueEventKind.LEDGER_ADDED, actor: staff(), note, from: go(IN_PROGRESS), to: IN_PROGRESS });
        } else {
          log({ at: s.at, kind: IssueEventKind.LEDGER_ADDED, actor: staff(), note });
        }
        // The sweep's and completeLedgerEntry's events, at the moments the plan gives.
        if (s.overdueAt) log({ at: s.overdueAt, kind: IssueEventKind.OVERDUE, actor: 'system', note: `${s.measure} (截止 ${s.deadline}, ledger ${s.id})` });
        if (s.completedAt) log({ at: s.completedAt, kind: IssueEventKind.LEDGER_DONE, actor: staff(), note: s.measure });
        break;
      }
      case 'feedback':
        out.feedback.push([s.id, i.id, s.text, s.givenBy, s.at]);
        log({ at: s.at, kind: IssueEventKind.FEEDBACK_GIVEN, actor: s.givenBy, note: s.text, from: go(FEEDBACK_GIVEN), to: FEEDBACK_GIVEN });
        break;
      case 'evaluate': {
        // The reporter evaluates in person: the actor is their display name.
        out.evaluations.push([s.id, i.id, s.satisfied, s.rating, s.comment, i.raisedBy, s.at]);
        const to = s.satisfied ? RESOLVED : RECTIFYING;
        if (s.satisfied) resolvedAt = s.at;
        const note = `${s.satisfied ? '满意' : '不满意'} ${s.rating}/5${s.comment ? `: ${s.comment}` : ''}`;
        log({ at: s.at, kind: IssueEventKind.EVALUATED, actor: i.raisedBy, note, from: go(to), to });
        break;
      }
      case 'escalate':
        log({ at: s.at, kind: IssueEventKind.ESCALATED, actor: staff(), note: `${level} -> ${s.level}: ${s.reason}` });
        level = s.level as IssueLevel;
        break;
      case 'resolveOnSite':
        onSite = true;
        resolvedAt = s.at;
        log({ at: s.at, kind: IssueEventKind.RESOLVED, actor: staff(), note: s.note, from: go(RESOLVED), to: RESOLVED });
        break;
      case 'reject':
        log({ at: s.at, kind: IssueEventKind.REJECTED, actor: staff(), note: s.reason, from: go(REJECTED), to: REJECTED });
        break;
      case 'close':
        log({ at: s.at, kind: IssueEventKind.CLOSED, actor: staff(), from: go(CLOSED), to: CLOSED });
        break;
    }
  }
  i.outcomes.forEach((o, k) => out.outcomes.push([i.id, o.kind, o.quantity, o.note, k]));

  // Supports come in during the first minutes after the request is raised, one a minute.
  const supportTimes = i.supporters.map((_, k) => new Date(i.raisedAt.getTime() + (k + 1) * MINUTE));
  i.supporters.forEach((who, k) => {
    out.supports.push([i.id, who, supportTimes[k]]);
    log({ at: supportTimes[k]!, kind: IssueEventKind.SUPPORT_CHANGED, actor: who, supportCount: k + 1 });
  });
  const supportsBy = (at: Date) => supportTimes.filter((t) => t <= at).length;

  // Plans: proposed, voted one a minute, then decided together (adopting one rejects the others).
  let decidedAt: Date | null = null;
  for (const p of i.plans) {
    const last = new Date(p.proposedAt.getTime() + (p.votes.length + 1) * MINUTE);
    if (!decidedAt || last > decidedAt) decidedAt = last;
  }
  const adopted = i.plans.find((p) => p.status === PlanStatus.ADOPTED);
  for (const p of i.plans) {
    const tally = { FOR: 0, AGAINST: 0, ABSTAIN: 0 };
    for (const v of p.votes) tally[v.stance]++;
    const decided = p.status === PlanStatus.OPEN ? null : decidedAt;
    out.plans.push([p.id, i.id, p.summary, p.proposedBy, p.status, tally.FOR, tally.AGAINST, tally.ABSTAIN, p.proposedAt, decided]);
    log({ at: p.proposedAt, kind: IssueEventKind.PLAN_PROPOSED, actor: p.proposedBy, note: p.summary, planId: p.id });
    p.votes.forEach((v, k) => {
      const at = new Date(p.proposedAt.getTime() + (k + 1) * MINUTE);
      out.votes.push([p.id, v.voterId, v.stance, at]);
      log({ at, kind: IssueEventKind.PLAN_VOTED, actor: v.voterId, planId: p.id, supportCount: supportsBy(at) });
    });
  }
  if (decidedAt) {
    // The adopted plan's decision is logged first, then the ones it rejected (decide() order).
    const decidedPlans = i.plans.filter((p) => p.status !== PlanStatus.OPEN).sort((a, b) => (a === adopted ? -1 : b === adopted ? 1 : 0));
    for (const p of decidedPlans) {
      const note = p === adopted ? PlanStatus.ADOPTED : adopted ? `REJECTED (采纳了另一方案 another plan was adopted)` : PlanStatus.REJECTED;
      log({ at: decidedAt, kind: IssueEventKind.PLAN_DECIDED, actor: staff(), planId: p.id, note });
    }
  }

  out.issue = [
    i.id,
    i.title,
    i.description,
    i.category,
    state.status,
    level,
    i.communityId,
    i.subdistrict,
    i.gridId,
    i.sessionId,
    i.raisedAt,
    i.raisedBy,
    i.reporterId,
    i.reporterContact,
    onSite,
    claim?.department ?? null,
    claim?.claimedBy ?? null,
    claim?.at ?? null,
    resolvedAt,
    i.supporters.length,
  ];
  return out;
}

/**
 * Inserts this service's part of the demo world (requests with their ledger, feedback,
 * evaluations, outcomes, plans and votes, supports, and the full event log) in one transaction,
 * with the plan's own timestamps. Idempotent: when the world's first request is already there,
 * nothing is written. Advisory locks make two seeders started at once wait rather than collide,
 * and keep the event log's seq in commit order as appendEvents does.
 */
export async function seedDemo(dataSource: DataSource, world: DemoWorld = buildDemoWorld(), onProgress?: (msg: string) => void): Promise<{ inserted: boolean }> {
  return inTransaction(dataSource, async (q) => {
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('issues.seed-demo'))`);
    const first = world.issues[0];
    if (!first) return { inserted: false };
    const found: unknown[] = await q.query(`SELECT 1 FROM issues.issue WHERE id = $1`, [first.id]);
    if (found.length > 0) {
      onProgress?.('issues: demo data already present, nothing inserted');
      return { inserted: false };
    }

    const all = world.issues.map(issueRows);
    const flat = <K extends keyof Omit<IssueRows, 'issue' | 'events'>>(k: K) => all.flatMap((r) => r[k]);
    await insertRows(
      q,
      'issue',
      [
        'id',
        'title',
        'description',
        'category',
        'status',
        'level',
        'community_id',
        'subdistrict',
        'grid_id',
        'session_id',
        'raised_at',
        'raised_by',
        'reporter_id',
        'reporter_contact',
        'resolved_on_site',
        'claim_department',
        'claimed_by',
        'claimed_at',
        'resolved_at',
        'support_count',
      ],
      all.map((r) => r.issue),
      onProgress,
    );
    await insertRows(
      q,
      'ledger_entry',
      ['id', 'issue_id', 'measure', 'responsible_person', 'responsible_unit', 'deadline', 'status', 'created_at', 'completed_at', 'overdue_at'],
      flat('ledger'),
      onProgress,
    );
    await insertRows(q, 'feedback', ['id', 'issue_id', 'text', 'given_by', 'given_at'], flat('feedback'), onProgress);
    await insertRows(q, 'evaluation', ['id', 'issue_id', 'satisfied', 'rating', 'comment', 'evaluated_by', 'evaluated_at'], flat('evaluations'), onProgress);
    await insertRows(q, 'outcome', ['issue_id', 'kind', 'quantity', 'note', 'position'], flat('outcomes'), onProgress);
    await insertRows(q, 'plan', ['id', 'issue_id', 'summary', 'proposed_by', 'status', 'votes_for', 'votes_against', 'votes_abstain', 'proposed_at', 'decided_at'], flat('plans'), onProgress);
    await insertRows(q, 'plan_vote', ['plan_id', 'voter_id', 'stance', 'voted_at'], flat('votes'), onProgress);
    await insertRows(q, 'support', ['issue_id', 'supporter_id', 'supported_at'], flat('supports'), onProgress);
    // Residents follow what they raised or supported (issue 14), as the mutations would have made them.
    await q.query(`INSERT INTO issues.follow (issue_id, follower_id, followed_at)
      SELECT id, reporter_id, raised_at FROM issues.issue WHERE reporter_id IS NOT NULL
      UNION ALL SELECT issue_id, supporter_id, supported_at FROM issues.support
      ON CONFLICT DO NOTHING`);

    // The whole log in time order (stable: within a moment, in the order the mutations wrote it).
    const events = all.flatMap((r) => r.events).map((e, n) => ({ e, n }));
    events.sort((a, b) => a.e.at.getTime() - b.e.at.getTime() || a.n - b.n);
    await q.query(EVENT_LOG_LOCK);
    await insertRows(
      q,
      'issue_event',
      ['issue_id', 'kind', 'at', 'actor', 'note', 'from_status', 'to_status', 'community_id', 'subdistrict', 'session_id', 'category', 'plan_id', 'support_count'],
      events.map(({ e }) => [
        e.issue.id,
        e.kind,
        e.at,
        e.actor,
        e.note ?? null,
        e.from ?? null,
        e.to ?? null,
        e.issue.communityId,
        e.issue.subdistrict,
        e.issue.sessionId,
        e.issue.category,
        e.planId ?? null,
        e.supportCount ?? null,
      ]),
      onProgress,
    );
    onProgress?.(`issues: ${all.length} requests seeded`);
    return { inserted: true };
  });
}
