import type { DemoTonight } from '@plaza/shared/demo';
import { inTransaction } from '@plaza/shared';
import type { DataSource } from 'typeorm';

/**
 * Today's sessions of the living demo (shared/src/demo/tonight.ts): the named community's LIVE
 * one with its theme, PLANNED ones elsewhere. Idempotent per day (ids derived from the day; rows
 * already there are left alone), and the LIVE one is skipped while that community already has a
 * LIVE session (yesterday's demo not closed, or a real one). Needs the demo communities.
 */
export async function seedTonight(dataSource: DataSource, t: DemoTonight): Promise<{ inserted: number; live: boolean }> {
  return inTransaction(dataSource, async (q) => {
    const [community] = (await q.query(`SELECT 1 FROM sessions.community WHERE id = $1`, [t.community.id])) as unknown[];
    if (!community) return { inserted: 0, live: false };
    let inserted = 0;
    const [live] = (await q.query(`SELECT 1 FROM sessions.session WHERE community_id = $1 AND status = 'LIVE'`, [t.community.id])) as unknown[];
    if (!live) {
      await q.query(
        `INSERT INTO sessions.topic_proposal (id, community_id, title, description, category, source, proposed_at, status, decided_at, decision_note)
         VALUES ($1, $2, $3, $4, $5, 'DOOR_TO_DOOR_VISIT', $6, 'SELECTED', $6, '两委会议选定为本期主题') ON CONFLICT (id) DO NOTHING`,
        [t.theme.id, t.community.id, t.theme.title, t.theme.description, t.theme.category, t.theme.proposedAt],
      );
      const a = t.live.attendance;
      const rows = (await q.query(
        `INSERT INTO sessions.session (id, community_id, title, theme_id, venue, host, scheduled_at, started_at, status, residents, party_members, cadres, deputies, cppcc_members, created_at)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, 'LIVE', $9, $10, $11, $12, $13, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [
          t.live.id,
          t.live.communityId,
          t.live.title,
          t.live.themeId,
          t.live.venue,
          t.live.host,
          t.live.scheduledAt,
          t.live.startedAt,
          a.residents,
          a.partyMembers,
          a.cadres,
          a.deputies,
          a.cppccMembers,
        ],
      )) as unknown[];
      inserted += rows.length;
    }
    for (const s of t.planned) {
      const rows = (await q.query(
        `INSERT INTO sessions.session (id, community_id, title, venue, host, scheduled_at, status, created_at)
         SELECT $1, $2, $3, $4, $5, $6, 'PLANNED', now() WHERE EXISTS (SELECT 1 FROM sessions.community WHERE id = $2)
         ON CONFLICT (id) DO NOTHING RETURNING id`,
        [s.id, s.communityId, s.title, s.venue, s.host, s.scheduledAt],
      )) as unknown[];
      inserted += rows.length;
    }
    const [ours] = (await q.query(`SELECT 1 FROM sessions.session WHERE id = $1 AND status = 'LIVE'`, [t.live.id])) as unknown[];
    return { inserted, live: !!ours };
  });
}
