import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1764130000000 implements MigrationInterface {
  name = 'Init1764130000000';

  async up(q: QueryRunner): Promise<void> {
    await q.query(`CREATE TABLE sessions.community (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      name text NOT NULL,
      subdistrict text NOT NULL,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT community_name_unique UNIQUE (subdistrict, name)
    )`);
    await q.query(`CREATE INDEX community_subdistrict_idx ON sessions.community (subdistrict)`);
    await q.query(`CREATE TABLE sessions.grid (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      community_id uuid NOT NULL REFERENCES sessions.community(id),
      name text NOT NULL,
      grid_worker text,
      created_at timestamptz NOT NULL DEFAULT now(),
      CONSTRAINT grid_name_unique UNIQUE (community_id, name)
    )`);
    // Sort columns are timestamptz(3): cursors carry JS Dates (milliseconds), so a microsecond
    // remainder would make a keyset comparison skip or repeat rows.
    await q.query(`CREATE TABLE sessions.visit (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      community_id uuid NOT NULL REFERENCES sessions.community(id),
      grid_id uuid REFERENCES sessions.grid(id),
      visited_at timestamptz(3) NOT NULL DEFAULT now(),
      visitor text NOT NULL,
      households_visited integer NOT NULL CHECK (households_visited >= 0),
      opinions text[] NOT NULL DEFAULT '{}',
      recorded_by text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX visit_community_page_idx ON sessions.visit (community_id, visited_at DESC, id DESC)`);
    await q.query(`CREATE TABLE sessions.topic_proposal (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      community_id uuid NOT NULL REFERENCES sessions.community(id),
      title text NOT NULL,
      description text,
      category text NOT NULL,
      source text NOT NULL,
      proposed_at timestamptz(3) NOT NULL DEFAULT now(),
      proposed_by text,
      status text NOT NULL DEFAULT 'PROPOSED' CHECK (status IN ('PROPOSED', 'SELECTED', 'DEFERRED', 'DECLINED')),
      decided_at timestamptz,
      decision_note text
    )`);
    await q.query(`CREATE INDEX topic_proposal_community_page_idx ON sessions.topic_proposal (community_id, proposed_at DESC, id DESC)`);
    await q.query(`CREATE TABLE sessions.session (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      community_id uuid NOT NULL REFERENCES sessions.community(id),
      title text NOT NULL,
      theme_id uuid REFERENCES sessions.topic_proposal(id),
      venue text NOT NULL,
      host text NOT NULL,
      scheduled_at timestamptz(3) NOT NULL,
      started_at timestamptz,
      ended_at timestamptz,
      status text NOT NULL DEFAULT 'PLANNED' CHECK (status IN ('PLANNED', 'LIVE', 'CLOSED', 'CANCELLED')),
      residents integer NOT NULL DEFAULT 0 CHECK (residents >= 0),
      party_members integer NOT NULL DEFAULT 0 CHECK (party_members >= 0),
      cadres integer NOT NULL DEFAULT 0 CHECK (cadres >= 0),
      deputies integer NOT NULL DEFAULT 0 CHECK (deputies >= 0),
      cppcc_members integer NOT NULL DEFAULT 0 CHECK (cppcc_members >= 0),
      minutes text,
      cancel_reason text,
      created_at timestamptz NOT NULL DEFAULT now()
    )`);
    await q.query(`CREATE INDEX session_community_page_idx ON sessions.session (community_id, scheduled_at DESC, id DESC)`);
    await q.query(`CREATE INDEX session_scheduled_idx ON sessions.session (scheduled_at DESC, id DESC)`);
    await q.query(`CREATE INDEX session_theme_idx ON sessions.session (theme_id) WHERE theme_id IS NOT NULL`);
    await q.query(`CREATE INDEX session_live_idx ON sessions.session (started_at) WHERE status = 'LIVE'`);
    // Analysts' overview (overview/overview.service.ts): city- and subdistrict-wide figures scan a
    // time range, so each table gets a range index covering the columns summed, which keeps the
    // aggregates index-only; a community scope uses the per-community page indexes above.
    await q.query(`CREATE INDEX session_held_idx ON sessions.session (scheduled_at)
      INCLUDE (community_id, residents, party_members, cadres, deputies, cppcc_members) WHERE status = 'CLOSED'`);
    await q.query(`CREATE INDEX visit_visited_idx ON sessions.visit (visited_at) INCLUDE (community_id, households_visited)`);
    await q.query(`CREATE INDEX topic_proposal_proposed_idx ON sessions.topic_proposal (proposed_at) INCLUDE (community_id)`);
    // The live-updates feed reads this log by seq; see session-event/session-event.writer.ts.
    await q.query(`CREATE TABLE sessions.session_event (
      seq bigserial PRIMARY KEY,
      kind text NOT NULL CHECK (kind IN ('SCHEDULED', 'STARTED', 'ATTENDANCE_UPDATED', 'CLOSED', 'CANCELLED', 'TOPIC_PROPOSED', 'TOPIC_DECIDED')),
      at timestamptz NOT NULL DEFAULT now(),
      community_id uuid NOT NULL,
      session_id uuid NULL,
      topic_id uuid NULL,
      actor text NULL
    )`);
    await q.query(`CREATE INDEX session_event_community_idx ON sessions.session_event (community_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sessions.session_event`);
    await q.query(`DROP TABLE sessions.session`);
    await q.query(`DROP TABLE sessions.topic_proposal`);
    await q.query(`DROP TABLE sessions.visit`);
    await q.query(`DROP TABLE sessions.grid`);
    await q.query(`DROP TABLE sessions.community`);
  }
}
