import { buildDemoWorld, type DemoWorld } from '@plaza/shared/demo';
import { inTransaction } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { bulkInsert } from './bulk-insert';

/** Any constant: makes two seeders starting at once wait for each other instead of racing. */
const SEED_LOCK = 5_202_501;

/**
 * Inserts the sessions part of the demo world (communities, grids, topics, sessions with their
 * attendance, visits) in one transaction, with the plan's ids and timestamps so the issues and
 * volunteering seeders reference the same rows. Idempotent: when the world's first community is
 * already there, nothing is written.
 *
 * No session_event rows are written for this history: the events feed the live updates, and a
 * year of past talks replayed there would flood every subscriber's feed with stale changes.
 */
export async function seedDemo(dataSource: DataSource, world: DemoWorld = buildDemoWorld(), onProgress?: (msg: string) => void): Promise<{ inserted: boolean }> {
  const progress = onProgress ?? (() => undefined);
  const first = world.communities[0];
  if (!first) return { inserted: false };
  return inTransaction(dataSource, async (runner) => {
    await runner.query(`SELECT pg_advisory_xact_lock($1)`, [SEED_LOCK]);
    const [existing] = (await runner.query(`SELECT 1 FROM sessions.community WHERE id = $1`, [first.id])) as unknown[];
    if (existing) {
      progress('sessions: demo data already present, nothing inserted');
      return { inserted: false };
    }

    // The plan has no creation time for communities and grids: they exist from the start of the
    // first month that has any record, so a dated query never sees a record before its community.
    const firstRecord = new Date(Math.min(...world.visits.map((v) => v.visitedAt.getTime()), ...world.topics.map((t) => t.proposedAt.getTime())));
    const founded = new Date(Date.UTC(firstRecord.getUTCFullYear(), firstRecord.getUTCMonth(), 1) - 8 * 3_600_000);

    const n1 = await bulkInsert(
      runner,
      'sessions.community',
      ['id', 'name', 'subdistrict', 'created_at'],
      world.communities.map((c) => [c.id, c.name, c.subdistrict, founded]),
    );
    const n2 = await bulkInsert(
      runner,
      'sessions.grid',
      ['id', 'community_id', 'name', 'grid_worker', 'created_at'],
      world.communities.flatMap((c) => c.grids.map((g) => [g.id, c.id, g.name, g.gridWorker, founded])),
    );
    progress(`sessions: ${n1} communities, ${n2} grids`);

    const n3 = await bulkInsert(
      runner,
      'sessions.topic_proposal',
      ['id', 'community_id', 'title', 'description', 'category', 'source', 'proposed_at', 'status', 'decided_at', 'decision_note'],
      world.topics.map((t) => [t.id, t.communityId, t.title, t.description, t.category, t.source, t.proposedAt, t.status, t.decidedAt, t.decisionNote]),
    );
    progress(`sessions: ${n3} topic proposals`);

    // A session is scheduled when its theme is selected (the plan's decidedAt).
    const decided = new Map(world.topics.map((t) => [t.id, t.decidedAt]));
    const n4 = await bulkInsert(
      runner,
      'sessions.session',
      [
        'id',
        'community_id',
        'title',
        'theme_id',
        'venue',
        'host',
        'scheduled_at',
        'started_at',
        'ended_at',
        'status',
        'residents',
        'party_members',
        'cadres',
        'deputies',
        'cppcc_members',
        'minutes',
        'cancel_reason',
        'created_at',
      ],
      world.sessions.map((s) => [
        s.id,
        s.communityId,
        s.title,
        s.themeId,
        s.venue,
        s.host,
        s.scheduledAt,
        s.startedAt,
        s.endedAt,
        s.status,
        s.attendance.residents,
        s.attendance.partyMembers,
        s.attendance.cadres,
        s.attendance.deputies,
        s.attendance.cppccMembers,
        s.minutes,
        s.cancelReason,
        decided.get(s.themeId) ?? s.scheduledAt,
      ]),
    );
    progress(`sessions: ${n4} sessions`);

    const n5 = await bulkInsert(
      runner,
      'sessions.visit',
      ['id', 'community_id', 'grid_id', 'visited_at', 'visitor', 'households_visited', 'opinions', 'created_at'],
      world.visits.map((v) => [v.id, v.communityId, v.gridId, v.visitedAt, v.visitor, v.householdsVisited, v.opinions, v.visitedAt]),
    );
    progress(`sessions: ${n5} visits`);
    return { inserted: true };
  });
}
