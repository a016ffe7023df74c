import type { IncomingMessage, ServerResponse } from 'node:http';
import type { DataSource } from 'typeorm';
import { sendJson } from './http';

export interface ReplicaLag {
  /** True when the read connection is a streaming replica (in recovery). */
  replica: boolean;
  /**
   * How far behind the primary its answers may be, ms: 0 when it has replayed all the WAL it
   * received, else the age of the last transaction it replayed. On the primary, 0.
   */
  lagMs: number;
}

/** The lag of the analytics reads' connection (DATABASE_READ_URL), from the replica's own view. */
export async function replicaLag(read: DataSource): Promise<ReplicaLag> {
  const [row] = (await read.query(`
    SELECT pg_is_in_recovery() AS replica,
           CASE WHEN NOT pg_is_in_recovery() OR pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000, 0) END AS lag_ms`)) as { replica: boolean; lag_ms: string | number }[];
  return { replica: !!row?.replica, lagMs: Math.round(Number(row?.lag_ms ?? 0)) };
}

/** GET /metrics/replica on a subgraph: where its analytics reads go and how stale they may be. */
export const replicaLagRoute = (read: DataSource) => async (_req: IncomingMessage, res: ServerResponse) => {
  try {
    sendJson(res, 200, await replicaLag(read));
  } catch (e) {
    sendJson(res, 503, { error: (e as Error).message });
  }
};
