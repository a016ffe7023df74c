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
  }

  async down(q: QueryRunner): Promise<void> {
    await q.query(`DROP TABLE sessions.grid`);
    await q.query(`DROP TABLE sessions.community`);
  }
}
