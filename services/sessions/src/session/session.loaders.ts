import { batchByArgs, byIdLoader, emptyPage, groupLoader, partitionedKeysetPage, rowsByKeys, type Keyset } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { Session } from './session.entity';
import { SessionStatus } from './session.enums';

/** Latest scheduled first. */
export const sessionKeyset: Keyset<Session> = {
  columns: ['s.scheduled_at', 's.id'],
  direction: 'DESC',
  valuesOf: (s) => [s.scheduledAt.toISOString(), s.id],
  casts: ['timestamptz', 'uuid'],
};

export interface SessionPageArgs {
  status?: SessionStatus | null;
  first?: number | null;
  after?: string | null;
}

/**
 * The session that took a topic as its theme. A topic may be re-scheduled after a cancellation,
 * so a session that still stands wins over a cancelled one, then the latest.
 */
export function takingSession(sessions: Session[]): Session | null {
  return sessions.find((s) => s.status !== SessionStatus.CANCELLED) ?? sessions[0] ?? null;
}

export function sessionLoaders(ds: DataSource) {
  return {
    session: byIdLoader(rowsByKeys(ds, Session)),
    sessionsByTheme: groupLoader(
      rowsByKeys(ds, Session, {
        key: 'themeId',
        order: [
          ['scheduledAt', 'DESC'],
          ['id', 'DESC'],
        ],
      }),
      (s) => s.themeId!,
    ),
    sessionsByCommunity: batchByArgs(
      (communityIds: string[], args: SessionPageArgs) => {
        const qb = ds.getRepository(Session).createQueryBuilder('s');
        if (args.status) qb.where('s.status = :status', { status: args.status });
        return partitionedKeysetPage(qb, 's.community_id', (s) => s.communityId, communityIds, sessionKeyset, args);
      },
      emptyPage<Session>,
    ),
  };
}
