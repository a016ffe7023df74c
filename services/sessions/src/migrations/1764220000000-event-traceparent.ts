import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The W3C trace context of the write that appended an event (issue 16), so the relay's publish
 * and the gateway's hydration and delivery join the mutation's trace. Null with tracing off, and
 * for rows written before. Nullable without default: adding it rewrites nothing.
 */
export class EventTraceparent1764220000000 implements MigrationInterface {
  name = 'EventTraceparent1764220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions.session_event ADD COLUMN traceparent text`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE sessions.session_event DROP COLUMN traceparent`);
  }
}
