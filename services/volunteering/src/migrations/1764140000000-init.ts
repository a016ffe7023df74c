import type { MigrationInterface, QueryRunner } from 'typeorm';

/*
 * Timestamps default to millisecond precision: keyset cursors carry JavaScript dates (ms), and a
 * microsecond remainder would make `(t, id) > (cursor)` return the cursor's own row again.
 * community_id and subdistrict are copies of the sessions subgraph's data, kept so analytics can
 * filter by subdistrict without a cross-service call.
 */
export class Init1764140000000 implements MigrationInterface {
  name = 'Init1764140000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TYPE volunteering.team_kind AS ENUM
      ('YOUTH_VANGUARD', 'ELDERLY_CARE', 'MEDICAL', 'EDUCATION', 'ENVIRONMENT', 'LEGAL_AID', 'CULTURE', 'OTHER')`);
    await q.query(`CREATE TABLE volunteering.volunteer_team (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      community_id uuid NOT NULL,
      subdistrict text NOT NULL,
      name text NOT NULL,
      kind volunteering.team_kind NOT NULL,
      leader text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      CONSTRAINT volunteer_team_name_unique UNIQUE (community_id, name)
    )`);
    await q.query(`CREATE INDEX volunteer_team_list_idx ON volunteering.volunteer_team (created_at, id)`);
    await q.query(`CREATE INDEX volunteer_team_kind_idx ON volunteering.volunteer_team (kind, created_at, id)`);
    await q.query(`CREATE INDEX volunteer_team_subdistrict_idx ON volunteering.volunteer_team (subdistrict, created_at)`);

    await q.query(`CREATE TABLE volunteering.volunteer (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      team_id uuid NOT NULL REFERENCES volunteering.volunteer_team(id),
      name text NOT NULL,
      is_party_member boolean NOT NULL,
      joined_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
    )`);
    await q.query(`CREATE INDEX volunteer_team_idx ON volunteering.volunteer (team_id, joined_at, id)`);

    await q.query(`CREATE TABLE volunteering.team_assignment (
      team_id uuid NOT NULL REFERENCES volunteering.volunteer_team(id),
      issue_id uuid NOT NULL,
      assigned_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      PRIMARY KEY (team_id, issue_id)
    )`);
    await q.query(`CREATE INDEX team_assignment_issue_idx ON volunteering.team_assignment (issue_id)`);

    await q.query(`CREATE TABLE volunteering.activity (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      team_id uuid NOT NULL REFERENCES volunteering.volunteer_team(id),
      community_id uuid NOT NULL,
      subdistrict text NOT NULL,
      title text NOT NULL,
      held_at timestamptz NOT NULL,
      beneficiaries integer NOT NULL CHECK (beneficiaries >= 0),
      volunteer_hours double precision NOT NULL CHECK (volunteer_hours >= 0),
      session_id uuid,
      issue_id uuid,
      created_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now())
    )`);
    await q.query(`CREATE INDEX activity_held_idx ON volunteering.activity (held_at DESC, id DESC)`);
    await q.query(`CREATE INDEX activity_community_idx ON volunteering.activity (community_id, held_at DESC, id DESC)`);
    await q.query(`CREATE INDEX activity_team_idx ON volunteering.activity (team_id, held_at DESC, id DESC)`);
    await q.query(`CREATE INDEX activity_session_idx ON volunteering.activity (session_id) WHERE session_id IS NOT NULL`);
    await q.query(`CREATE INDEX activity_subdistrict_idx ON volunteering.activity (subdistrict, held_at)`);

    await q.query(`CREATE TABLE volunteering.cadre_check_in (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      community_id uuid NOT NULL,
      subdistrict text NOT NULL,
      cadre_name text NOT NULL,
      work_unit text NOT NULL,
      checked_in_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      active boolean NOT NULL DEFAULT true
    )`);
    await q.query(`CREATE INDEX cadre_check_in_community_idx ON volunteering.cadre_check_in (community_id, checked_in_at DESC, id DESC)`);
    // Overview counts check-ins by time for the whole city, a subdistrict or a community.
    await q.query(`CREATE INDEX cadre_check_in_time_idx ON volunteering.cadre_check_in (checked_in_at)`);
    await q.query(`CREATE INDEX cadre_check_in_subdistrict_idx ON volunteering.cadre_check_in (subdistrict, checked_in_at)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE volunteering.cadre_check_in`);
    await q.query(`DROP TABLE volunteering.activity`);
    await q.query(`DROP TABLE volunteering.team_assignment`);
    await q.query(`DROP TABLE volunteering.volunteer`);
    await q.query(`DROP TABLE volunteering.volunteer_team`);
    await q.query(`DROP TYPE volunteering.team_kind`);
  }
}
