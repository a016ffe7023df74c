import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Residents follow requests (issue 14): the ones they raised or supported, and any other they ask
 * to. The primary key (issue_id, follower_id) makes following idempotent and answers "who follows
 * request X" (for per-resident live updates) with one index range scan; the second index serves
 * `me.following`.
 */
export class Follow1764200000000 implements MigrationInterface {
  name = 'Follow1764200000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE issues.follow (
      issue_id uuid NOT NULL REFERENCES issues.issue(id),
      follower_id text NOT NULL,
      followed_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (issue_id, follower_id)
    )`);
    await q.query(`CREATE INDEX follow_follower_idx ON issues.follow (follower_id, issue_id)`);
    // Whoever raised or supported a request before this existed follows it, as they would now.
    await q.query(`INSERT INTO issues.follow (issue_id, follower_id, followed_at)
      SELECT id, reporter_id, raised_at FROM issues.issue WHERE reporter_id IS NOT NULL
      UNION ALL
      SELECT issue_id, supporter_id, supported_at FROM issues.support
      ON CONFLICT DO NOTHING`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE issues.follow`);
  }
}
