import { inTransaction } from '@plaza/shared';
import { buildDemoWorld, type DemoWorld } from '@plaza/shared/demo';
import type { DataSource, QueryRunner } from 'typeorm';

/** Rows per INSERT: 500 rows × at most 11 columns stays far below Postgres' 65,535 parameters. */
const CHUNK = 500;

/** One multi-row INSERT per chunk of `rows`; `columns` and each row's values in the same order. */
async function insertRows(q: QueryRunner, table: string, columns: string[], rows: unknown[][], onProgress?: (msg: string) => void): Promise<void> {
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => `(${row.map((v) => (params.push(v), `$${params.length}`)).join(', ')})`);
    await q.query(`INSERT INTO volunteering.${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
    onProgress?.(`volunteering: ${table} ${Math.min(start + CHUNK, rows.length)}/${rows.length}`);
  }
}

/**
 * Inserts this service's part of the demo world (teams, volunteers, activities with their
 * session/issue links, team-issue assignments, cadre check-ins) in one transaction, with the
 * plan's own timestamps. Idempotent: when the world's first team is already there, nothing is
 * written. An advisory lock makes two seeders started at once wait rather than collide.
 */
export async function seedDemo(dataSource: DataSource, world: DemoWorld = buildDemoWorld(), onProgress?: (msg: string) => void): Promise<{ inserted: boolean }> {
  return inTransaction(dataSource, async (q) => {
    await q.query(`SELECT pg_advisory_xact_lock(hashtext('volunteering.seed-demo'))`);
    const first = world.teams[0];
    if (first) {
      const found: unknown[] = await q.query(`SELECT 1 FROM volunteering.volunteer_team WHERE id = $1`, [first.id]);
      if (found.length > 0) {
        onProgress?.('volunteering: demo data already present, nothing inserted');
        return { inserted: false };
      }
    }

    await insertRows(
      q,
      'volunteer_team',
      ['id', 'community_id', 'subdistrict', 'name', 'kind', 'leader', 'created_at'],
      world.teams.map((t) => [t.id, t.communityId, t.subdistrict, t.name, t.kind, t.leader, t.createdAt]),
      onProgress,
    );
    await insertRows(
      q,
      'volunteer',
      ['id', 'team_id', 'name', 'is_party_member', 'joined_at'],
      world.volunteers.map((v) => [v.id, v.teamId, v.name, v.isPartyMember, v.joinedAt]),
      onProgress,
    );
    // The plan has no recording time for an activity: it is taken as recorded when held.
    await insertRows(
      q,
      'activity',
      ['id', 'team_id', 'community_id', 'subdistrict', 'title', 'held_at', 'beneficiaries', 'volunteer_hours', 'session_id', 'issue_id', 'created_at'],
      world.activities.map((a) => [a.id, a.teamId, a.communityId, a.subdistrict, a.title, a.heldAt, a.beneficiaries, a.volunteerHours, a.sessionId, a.issueId, a.heldAt]),
      onProgress,
    );
    // Nor for an assignment: a team is taken as assigned when it first acted on the issue.
    const firstActed = new Map<string, Date>();
    for (const a of world.activities) {
      if (!a.issueId) continue;
      const k = `${a.teamId}|${a.issueId}`;
      const seen = firstActed.get(k);
      if (!seen || a.heldAt < seen) firstActed.set(k, a.heldAt);
    }
    const fallback = world.teams[0]?.createdAt ?? new Date(0);
    await insertRows(
      q,
      'team_assignment',
      ['team_id', 'issue_id', 'assigned_at'],
      world.teamIssues.map((x) => [x.teamId, x.issueId, firstActed.get(`${x.teamId}|${x.issueId}`) ?? fallback]),
      onProgress,
    );
    await insertRows(
      q,
      'cadre_check_in',
      ['id', 'community_id', 'subdistrict', 'cadre_name', 'work_unit', 'checked_in_at', 'active'],
      world.checkIns.map((c) => [c.id, c.communityId, c.subdistrict, c.cadreName, c.workUnit, c.checkedInAt, c.active]),
      onProgress,
    );
    return { inserted: true };
  });
}
