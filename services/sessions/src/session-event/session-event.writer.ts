import { currentTraceparent, withSpan, type SessionEventKind } from '@plaza/shared';
import type { QueryRunner } from 'typeorm';

export interface SessionEventRow {
  kind: SessionEventKind;
  communityId: string;
  sessionId?: string | null;
  topicId?: string | null;
  actor?: string | null;
}

/**
 * Appends one event inside the caller's transaction. Call it as the LAST step before commit:
 * the advisory lock serialises event writers until they commit, so `seq` order equals commit
 * order and a reader resuming "after seq N" can never miss a row that commits later with a
 * smaller seq. Holding it only at the end keeps that serialised window short.
 */
export async function appendSessionEvent(runner: QueryRunner, e: SessionEventRow): Promise<void> {
  // With tracing on, the row keeps this write's trace context for the relay and the gateway.
  await withSpan('outbox write', { attributes: { 'plaza.outbox': 'sessions.session_event', 'plaza.events': 1 } }, async () => {
    await runner.query(`SELECT pg_advisory_xact_lock(hashtext('sessions.session_event'))`);
    await runner.query(`INSERT INTO sessions.session_event (kind, community_id, session_id, topic_id, actor, traceparent) VALUES ($1, $2, $3, $4, $5, $6)`, [
      e.kind,
      e.communityId,
      e.sessionId ?? null,
      e.topicId ?? null,
      e.actor ?? null,
      currentTraceparent(),
    ]);
  });
}
