import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Plan votes that staff open and close on stage (issue 13). Existing plans keep all three NULL,
 * which means what it meant before: open while the plan is OPEN, with no closing time.
 */
export class PlanVoteWindow1764180000000 implements MigrationInterface {
  name = 'PlanVoteWindow1764180000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`ALTER TABLE issues.plan
      ADD COLUMN vote_opened_at timestamptz NULL,
      ADD COLUMN vote_closes_at timestamptz NULL,
      ADD COLUMN vote_closed_at timestamptz NULL`);
    // The closing sweep's only question, asked every second on every replica: keep it an index probe.
    await q.query(`CREATE INDEX plan_vote_due_idx ON issues.plan (vote_closes_at) WHERE vote_closed_at IS NULL AND vote_closes_at IS NOT NULL`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP INDEX IF EXISTS issues.plan_vote_due_idx`);
    await q.query(`ALTER TABLE issues.plan DROP COLUMN vote_opened_at, DROP COLUMN vote_closes_at, DROP COLUMN vote_closed_at`);
  }
}
