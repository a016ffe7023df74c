import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Follow changes for the bus (issue 14): gateways keep "who follows request X" for their live
 * `myIssueEvents` subscribers from these instead of re-reading each resident's follows. `seq` is
 * drawn from the issue events' sequence, under the same writers' lock, and the issues relay
 * publishes both tables in that one order, so a follow reaches every gateway before any event
 * committed after it.
 */
export class FollowEvent1764220000000 implements MigrationInterface {
  name = 'FollowEvent1764220000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE issues.follow_event (
      seq bigint PRIMARY KEY DEFAULT nextval(pg_get_serial_sequence('issues.issue_event', 'seq')::regclass),
      issue_id uuid NOT NULL,
      follower_id text NOT NULL,
      following boolean NOT NULL,
      at timestamptz NOT NULL DEFAULT now()
    )`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE issues.follow_event`);
  }
}
