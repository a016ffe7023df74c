import type { MigrationInterface, QueryRunner } from 'typeorm';

export class Init1764140000000 implements MigrationInterface {
  name = 'Init1764140000000';

  async up(q: QueryRunner): Promise<void> {
    // pg_trgm lives in public so every service's schema can share one copy per database.
    await q.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm WITH SCHEMA public`);
    // community_id, subdistrict, grid_id and session_id name rows of the sessions subgraph: no
    // foreign keys across services; they were checked through its _entities when raised.
    await q.query(`CREATE TABLE issues.issue (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      title text NOT NULL,
      description text NOT NULL,
      category text NOT NULL,
      status text NOT NULL DEFAULT 'SUBMITTED',
      level text NOT NULL DEFAULT 'GRID',
      community_id uuid NOT NULL,
      subdistrict text NOT NULL,
      grid_id uuid,
      session_id uuid,
      raised_at timestamptz NOT NULL DEFAULT date_trunc('milliseconds', now()),
      raised_by text,
      reporter_id text,
      reporter_contact text,
      resolved_on_site boolean NOT NULL DEFAULT false,
      claim_department text,
      claimed_by text,
      claimed_at timestamptz,
      resolved_at timestamptz,
      support_count int NOT NULL DEFAULT 0 CHECK (support_count >= 0)
    )`);
    // Newest first everywhere; (raised_at, id) is the keyset of every issue list.
    await q.query(`CREATE INDEX issue_raised_idx ON issues.issue (raised_at DESC, id DESC)`);
    await q.query(`CREATE INDEX issue_community_idx ON issues.issue (community_id, raised_at DESC, id DESC)`);
    await q.query(`CREATE INDEX issue_session_idx ON issues.issue (session_id, raised_at DESC, id DESC) WHERE session_id IS NOT NULL`);
    await q.query(`CREATE INDEX issue_subdistrict_idx ON issues.issue (subdistrict, raised_at DESC)`);
    await q.query(`CREATE INDEX issue_related_idx ON issues.issue (community_id, category) WHERE status NOT IN ('RESOLVED', 'REJECTED', 'CLOSED')`);
    // Substring search in Chinese: ILIKE '%…%' over this expression is served by the trigram index.
    // Analytics (overview, issueTrend, commonIssues): resolutions are counted by resolved_at,
    // per city, community or subdistrict; raisals by raised_at per category across communities.
    await q.query(`CREATE INDEX issue_resolved_idx ON issues.issue (resolved_at) WHERE resolved_at IS NOT NULL`);
    await q.query(`CREATE INDEX issue_community_resolved_idx ON issues.issue (community_id, resolved_at) WHERE resolved_at IS NOT NULL`);
    await q.query(`CREATE INDEX issue_subdistrict_resolved_idx ON issues.issue (subdistrict, resolved_at) WHERE resolved_at IS NOT NULL`);
    await q.query(`CREATE INDEX issue_category_raised_idx ON issues.issue (category, raised_at)`);
    await q.query(`CREATE INDEX issue_text_trgm_idx ON issues.issue USING gin ((title || ' ' || description) public.gin_trgm_ops)`);

    await q.query(`CREATE TABLE issues.ledger_entry (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      issue_id uuid NOT NULL REFERENCES issues.issue(id),
      measure text NOT NULL,
      responsible_person text NOT NULL,
      responsible_unit text NOT NULL,
      deadline date NOT NULL,
      status text NOT NULL DEFAULT 'OPEN',
      created_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      completed_at timestamptz,
      overdue_at timestamptz
    )`);
    await q.query(`CREATE INDEX ledger_issue_idx ON issues.ledger_entry (issue_id, created_at)`);
    // The overdue sweep and the overdue filter only look at unfinished entries.
    await q.query(`CREATE INDEX ledger_open_deadline_idx ON issues.ledger_entry (deadline) WHERE status <> 'DONE'`);
    // issueTrend's overdue series looks at every entry (also ones completed late) by deadline day.
    await q.query(`CREATE INDEX ledger_deadline_idx ON issues.ledger_entry (deadline)`);

    await q.query(`CREATE TABLE issues.feedback (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      issue_id uuid NOT NULL REFERENCES issues.issue(id),
      text text NOT NULL,
      given_by text NOT NULL,
      given_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX feedback_issue_idx ON issues.feedback (issue_id, given_at)`);

    await q.query(`CREATE TABLE issues.evaluation (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      issue_id uuid NOT NULL REFERENCES issues.issue(id),
      satisfied boolean NOT NULL,
      rating int NOT NULL CHECK (rating BETWEEN 1 AND 5),
      comment text,
      evaluated_by text NOT NULL,
      evaluated_at timestamptz NOT NULL DEFAULT clock_timestamp()
    )`);
    await q.query(`CREATE INDEX evaluation_issue_idx ON issues.evaluation (issue_id, evaluated_at)`);
    // Satisfaction in a period is counted by evaluated_at.
    await q.query(`CREATE INDEX evaluation_at_idx ON issues.evaluation (evaluated_at)`);

    await q.query(`CREATE TABLE issues.outcome (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      issue_id uuid NOT NULL REFERENCES issues.issue(id),
      kind text NOT NULL,
      quantity int NOT NULL CHECK (quantity >= 0),
      note text,
      position int NOT NULL DEFAULT 0
    )`);
    await q.query(`CREATE INDEX outcome_issue_idx ON issues.outcome (issue_id, position)`);

    await q.query(`CREATE TABLE issues.plan (
      id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
      issue_id uuid NOT NULL REFERENCES issues.issue(id),
      summary text NOT NULL,
      proposed_by text NOT NULL,
      status text NOT NULL DEFAULT 'OPEN',
      votes_for int NOT NULL DEFAULT 0,
      votes_against int NOT NULL DEFAULT 0,
      votes_abstain int NOT NULL DEFAULT 0,
      proposed_at timestamptz NOT NULL DEFAULT clock_timestamp(),
      decided_at timestamptz
    )`);
    await q.query(`CREATE INDEX plan_issue_idx ON issues.plan (issue_id, proposed_at)`);

    // One row per (thing, viewer): idempotency is the primary key's, not a read-then-write.
    await q.query(`CREATE TABLE issues.support (
      issue_id uuid NOT NULL REFERENCES issues.issue(id),
      supporter_id text NOT NULL,
      supported_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (issue_id, supporter_id)
    )`);
    await q.query(`CREATE TABLE issues.plan_vote (
      plan_id uuid NOT NULL REFERENCES issues.plan(id),
      voter_id text NOT NULL,
      stance text NOT NULL,
      voted_at timestamptz NOT NULL DEFAULT now(),
      PRIMARY KEY (plan_id, voter_id)
    )`);

    // The log live updates and resume are built on: seq order is commit order, because every
    // writer takes pg_advisory_xact_lock(hashtext('issues.issue_event')) just before inserting.
    await q.query(`CREATE TABLE issues.issue_event (
      seq bigserial PRIMARY KEY,
      issue_id uuid NOT NULL REFERENCES issues.issue(id),
      kind text NOT NULL,
      at timestamptz NOT NULL DEFAULT now(),
      actor text,
      note text,
      from_status text,
      to_status text,
      community_id uuid NOT NULL,
      subdistrict text NOT NULL,
      session_id uuid NULL,
      category text NOT NULL,
      plan_id uuid NULL,
      support_count int NULL
    )`);
    await q.query(`CREATE INDEX issue_event_issue_idx ON issues.issue_event (issue_id, seq)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const t of ['issue_event', 'plan_vote', 'support', 'plan', 'outcome', 'evaluation', 'feedback', 'ledger_entry', 'issue']) {
      await q.query(`DROP TABLE issues.${t}`);
    }
  }
}
