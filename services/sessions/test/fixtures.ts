import { viewer } from '@plaza/shared/testing';
import { randomBytes } from 'node:crypto';
import type { SessionsHarness } from './harness';

export const admin = viewer(['ADMIN']);

/** A fresh community (unique name) and a STAFF viewer of it. */
export async function seedCommunity(h: SessionsHarness, subdistrict = '三里河街道') {
  const name = `社区-${randomBytes(4).toString('hex')}`;
  const res = await h.request(`mutation($i: CreateCommunityInput!) { createCommunity(input: $i) { id } }`, { i: { name, subdistrict } }, admin);
  const id: string = res.data.createCommunity.id;
  return { id, name, staff: viewer(['STAFF'], [id]) };
}

export async function events(h: SessionsHarness, communityId: string) {
  return (await h.dataSource.query(`SELECT seq::int AS seq, kind, community_id, session_id, topic_id, actor FROM sessions.session_event WHERE community_id = $1 ORDER BY seq`, [communityId])) as {
    seq: number;
    kind: string;
    community_id: string;
    session_id: string | null;
    topic_id: string | null;
    actor: string | null;
  }[];
}
