import 'reflect-metadata';
import { createLogger, startTracing, createServiceMetrics, DEFAULT_DATABASE_URL, observeService, loadEnvOrExit, migrate, type PubSub, startEventRelay, runMain } from '@plaza/shared';
import { createSessionsDataSource, SCHEMA } from './data-source';
import { sessionsEnvSchema } from './env';
import { createServer } from './server';
import { sessionEventPayload } from './session-event/session-event.payload';

export { createServer } from './server';
export { createSessionsDataSource, SCHEMA } from './data-source';
export { buildSessionsSchema } from './schema';
export { seedDemo } from './seed/demo.seed';
export { seedTonight } from './seed/tonight.seed';

/** Starts the service as its own process (also used by the one-process embedded start). */
/** deps.pubsub: the in-process bus of the one-process start; without it REDIS_URL (if set) is used. */
export async function main(env = loadEnvOrExit(sessionsEnvSchema), deps: { pubsub?: PubSub } = {}) {
  // First: servers built after this carry the request spans (nothing is loaded when no endpoint is set).
  const tracing = startTracing('sessions', env);
  const log = createLogger('sessions', env.LOG_LEVEL);
  const dataSource = createSessionsDataSource(env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  await dataSource.initialize();
  await migrate(dataSource, SCHEMA);
  // Analytics reads from a streaming replica when DATABASE_READ_URL names one (never migrated: it follows the primary).
  const readDataSource = env.DATABASE_READ_URL ? await createSessionsDataSource(env.DATABASE_READ_URL).initialize() : undefined;
  // Live updates: committed session events go to the bus (none configured: no relay).
  const relay = startEventRelay({
    schema: 'sessions', table: 'session_event', topic: 'sessionEvents', toPayload: sessionEventPayload,
    dataSource, databaseUrl: env.DATABASE_URL ?? DEFAULT_DATABASE_URL, pubsub: deps.pubsub, redisUrl: env.REDIS_URL, redisClusterNodes: env.REDIS_CLUSTER_NODES, channelPrefix: env.PLAZA_CHANNEL_PREFIX, log,
  });
  const metrics = createServiceMetrics({ service: 'sessions', token: env.METRICS_TOKEN });
  observeService(metrics, { dataSource, relay, schema: 'sessions', table: 'session_event' });
  const app = await createServer({ dataSource, readDataSource, gatewaySecret: env.GATEWAY_SECRET, production: env.NODE_ENV === 'production', log, metrics });
  const port = await app.listen(env.PORT, env.HOST);
  log.info({ port }, `sessions subgraph on http://${env.HOST}:${port}/graphql`);
  return {
    port,
    async close() {
      await app.close();
      await relay?.stop();
      await dataSource.destroy();
      await readDataSource?.destroy();
      await tracing.shutdown(); // last: flushes the spans of the shutdown itself
    },
  };
}

if (require.main === module) runMain(() => main());
