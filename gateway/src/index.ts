import 'reflect-metadata';
import { busFromEnv, createLogger, startTracing, createServiceMetrics, hasRedis, loadEnvOrExit, parseClusterNodes, redisMetrics, type PubSub, runMain } from '@plaza/shared';
import { gatewayEnvSchema, subgraphUrls, type GatewayEnv } from './env';
import { createGatewayServer } from './server';
import { RedisLimiter } from './rate-limit/redis.limiter';
import { parseCorsOrigins } from './http/cors';

export { createGatewayServer, supergraphSubgraphs, type GatewayApp, type GatewayDeps, type GatewaySubscriptionOptions } from './server';
export { attachSubscriptions, OVERFLOW_CODE, type SubscriptionCounters, type SubscriptionServer } from './subscriptions';
export { createGateway, readSupergraph, SignedDataSource, SUPERGRAPH_PATH, type GatewayContext } from './gateway';
export { gatewayEnvSchema, subgraphUrls, SUBGRAPHS, type GatewayEnv } from './env';

/**
 * What the one-process start (scripts/start.mjs) hands every package's main besides env: the
 * in-process event bus shared with the subgraphs (unset: the package connects to REDIS_URL).
 */
export interface MainDeps {
  pubsub?: PubSub;
}

/** Starts the gateway (its own process, or inside the one-process start). */
export async function main(env: GatewayEnv = loadEnvOrExit(gatewayEnvSchema), deps: MainDeps = {}) {
  // First: the HTTP handler and subgraph fetcher built below are traced only if this turned tracing on.
  const tracing = startTracing('gateway', env);
  const log = createLogger('gateway', env.LOG_LEVEL);
  // The bus: the one handed in (one-process start), else Redis when configured, else none (then
  // subscriptions are refused with the reason; queries and mutations work as before).
  const ownBus = deps.pubsub ? null : busFromEnv(env, log);
  const pubsub = deps.pubsub ?? ownBus;
  if (!pubsub) log.warn('no REDIS_URL and no in-process bus: GraphQL subscriptions are disabled');
  // With Redis, the support/vote rate limit is counted there, so it holds across gateways.
  const limiter = hasRedis(env)
    ? new RedisLimiter({
        url: env.REDIS_URL ?? '',
        clusterNodes: env.REDIS_CLUSTER_NODES ? parseClusterNodes(env.REDIS_CLUSTER_NODES) : undefined,
        prefix: env.PLAZA_CHANNEL_PREFIX,
        name: 'support',
        log,
      })
    : undefined;
  const metrics = createServiceMetrics({ service: 'gateway', token: env.METRICS_TOKEN });
  const busStates = ownBus && 'connectionStates' in ownBus ? (ownBus as { connectionStates: { pub: string; sub: string } }) : null;
  if (busStates || limiter) {
    redisMetrics(metrics, () => ({
      ...(busStates ? { 'pubsub-pub': busStates.connectionStates.pub, 'pubsub-sub': busStates.connectionStates.sub } : {}),
      ...(limiter ? { 'rate-limit': limiter.connectionState } : {}),
    }));
  }
  const app = await createGatewayServer({
    metrics,
    subscriptions: { pubsub },
    subgraphUrls: subgraphUrls(env),
    jwtSecret: env.JWT_SECRET,
    gatewaySecret: env.GATEWAY_SECRET,
    production: env.NODE_ENV === 'production',
    shareInflight: env.PLAZA_SHARE_INFLIGHT === '1',
    batchSubgraphCalls: env.PLAZA_BATCH_SUBGRAPH_CALLS === '1',
    multiplexSubgraphCalls: env.PLAZA_MULTIPLEX_SUBGRAPH_CALLS === '1',
    apolloTelemetry: env.APOLLO_TELEMETRY_DISABLED === 'false' || env.APOLLO_TELEMETRY_DISABLED === '0',
    screen: { screenToken: env.PLAZA_SCREEN_TOKEN ?? null, publicUrl: env.PLAZA_PUBLIC_URL ?? null, rateLimit: { limiter } },
    explorer: { enabled: env.NODE_ENV !== 'production' || env.PLAZA_GRAPHIQL === '1' },
    corsOrigins: parseCorsOrigins(env.CORS_ORIGINS, env.NODE_ENV === 'production'),
    log,
  }).catch(async (e) => {
    await ownBus?.close(); // or its reconnect timers keep a failed start alive
    await limiter?.close();
    await tracing.shutdown();
    throw e;
  });
  const port = await app.listen(env.PORT, env.HOST);
  log.info({ port, subgraphs: app.subgraphs }, `gateway on http://${env.HOST}:${port}/graphql`);
  return {
    port,
    app,
    async close() {
      // Drained first (sockets closed with 1012, so clients resume on another gateway), then
      // the bus we opened goes.
      await app.drain(env.SHUTDOWN_GRACE_MS);
      await ownBus?.close();
      await limiter?.close();
      await tracing.shutdown(); // last: flushes the spans of the drain itself
    },
  };
}

if (require.main === module) runMain(() => main());
