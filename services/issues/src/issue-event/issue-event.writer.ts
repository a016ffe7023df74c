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

async function insertEvents(runner: QueryRunner, items: { subject: EventSubject; event: EventDraft }[], traceparent: string | null): Promise<void> {
  await runner.query(`SELECT pg_advisory_xact_lock(hashtext('issues.issue_event'))`);
  const params: unknown[] = [];
  const rows = items.map(({ subject: s, event: e }) => {
    const values = [
      s.id,
      e.kind,
      e.actor ?? null,
      e.note ?? null,
      e.from ?? null,
      e.to ?? null,
      s.community_id,
      s.subdistrict,
      s.session_id,
      s.category,
      e.planId ?? null,
      e.supportCount ?? null,
      traceparent,
    ];
    const start = params.length;
    params.push(...values);
    return `(${values.map((_, i) => `$${start + i + 1}`).join(', ')})`;
  });
  await runner.query(
    `INSERT INTO issues.issue_event (issue_id, kind, actor, note, from_status, to_status, community_id, subdistrict, session_id, category, plan_id, support_count, traceparent)
     VALUES ${rows.join(', ')}`,
    params,
  );
}
