import { decodeCursor, pageSize, toPage } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { SessionEvent } from './session-event.type';

export class SessionEventService {
  constructor(private readonly ds: DataSource) {}

  /** Every event after a cursor, oldest first (seq order is commit order): one statement. */
  async log(args: { first?: number | null; after?: string | null }) {
    const n = pageSize(args.first, 100);
    const from = decodeCursor(args.after, ['bigint']);
    const rows: SessionEvent[] =
      n === 0
        ? []
        : await this.ds.query(
            `SELECT seq, kind, at, community_id AS "communityId", session_id AS "sessionId", topic_id AS "topicId"
       FROM sessions.session_event WHERE seq > $1 ORDER BY seq LIMIT $2`,
            [from ? Number(from[0]) : 0, n + 1],
          );
    const { edges, pageInfo } = toPage(
      rows.map((r) => Object.assign(new SessionEvent(), r)),
      n,
      (e) => e.cursor,
      -1,
    );
    return { edges, pageInfo };
  }
}
