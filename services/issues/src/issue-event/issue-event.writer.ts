import { currentTraceparent, withSpan } from '@plaza/shared';
import type { QueryRunner } from 'typeorm';
import type { IssueEventKind, IssueStatus } from '../issue/issue.enums';

/** The columns of a request every event copies (as the locked request row has them). */
export interface EventSubject {
  id: string;
  community_id: string;
  subdistrict: string;
  session_id: string | null;
  category: string;
}

export interface EventDraft {
  kind: IssueEventKind;
  actor?: string | null;
  note?: string | null;
  from?: IssueStatus | null;
  to?: IssueStatus | null;
  planId?: string | null;
  supportCount?: number | null;
}

/**
 * Appends events in the caller's transaction, as its LAST step: the advisory lock is held to
 * commit, so events become visible in seq order and a reader resuming after a cursor never
 * misses one that commits later with a smaller seq.
 */
export async function appendEvents(runner: QueryRunner, items: { subject: EventSubject; event: EventDraft }[]): Promise<void> {
  if (!items.length) return;
  // With tracing on, each row keeps the trace context of this write, so the relay's publish and
  // the gateway's delivery continue the mutation's trace (null with tracing off).
  await withSpan('outbox write', { attributes: { 'plaza.outbox': 'issues.issue_event', 'plaza.events': items.length } }, () => insertEvents(runner, items, currentTraceparent()));
}

/** The log's lock (see appendEvents); re-entrant within a transaction, released by its end. */
export const EVENT_LOG_LOCK = `SELECT pg_advisory_xact_lock(hashtext('issues.issue_event'))`;

/**
 * One statement takes the lock and inserts the rows: each round trip between taking the lock and
 * COMMIT is time every other writer waits (votes of one evening queue on this lock), and the
 * rows' seqs come from their defaults, evaluated only once the lock is held (each output row
 * needs the lock's one-row subquery). Rows arrive as JSON typed by the table itself.
 */
async function insertEvents(runner: QueryRunner, items: { subject: EventSubject; event: EventDraft }[], traceparent: string | null): Promise<void> {
  const rows = items.map(({ subject: s, event: e }) => ({
    issue_id: s.id,
    kind: e.kind,
    actor: e.actor ?? null,
    note: e.note ?? null,
    from_status: e.from ?? null,
    to_status: e.to ?? null,
    community_id: s.community_id,
    subdistrict: s.subdistrict,
    session_id: s.session_id,
    category: s.category,
    plan_id: e.planId ?? null,
    support_count: e.supportCount ?? null,
    traceparent,
  }));
  await runner.query(
    `INSERT INTO issues.issue_event (${EVENT_COLUMNS})
     SELECT ${EVENT_COLUMNS} FROM (${EVENT_LOG_LOCK}) AS held, jsonb_populate_recordset(NULL::issues.issue_event, $1::jsonb)`,
    [JSON.stringify(rows)],
  );
}

const EVENT_COLUMNS = 'issue_id, kind, actor, note, from_status, to_status, community_id, subdistrict, session_id, category, plan_id, support_count, traceparent';
