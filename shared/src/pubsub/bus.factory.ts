import type { Logger } from 'pino';
import type { PubSub } from './pubsub';
import { RedisPubSub } from './redis';
import { parseClusterNodes, RedisClusterPubSub } from './redis-cluster';

export interface BusEnv {
  REDIS_URL?: string;
  /** `host:port,…`: a Redis Cluster (sharded pub/sub); wins over REDIS_URL. */
  REDIS_CLUSTER_NODES?: string;
  PLAZA_CHANNEL_PREFIX: string;
}

/** True when the environment names a Redis (single node or cluster) for the bus. */
export const hasRedis = (env: Partial<BusEnv>) => !!(env.REDIS_CLUSTER_NODES || env.REDIS_URL);

/**
 * The process' own bus from its environment: a Redis Cluster with REDIS_CLUSTER_NODES, else the
 * single Redis of REDIS_URL (the default deployment), else none.
 */
export function busFromEnv(env: BusEnv, log?: Logger): PubSub | null {
  if (env.REDIS_CLUSTER_NODES) return new RedisClusterPubSub({ nodes: parseClusterNodes(env.REDIS_CLUSTER_NODES), prefix: env.PLAZA_CHANNEL_PREFIX, log });
  if (env.REDIS_URL) return new RedisPubSub({ url: env.REDIS_URL, prefix: env.PLAZA_CHANNEL_PREFIX, log });
  return null;
}
