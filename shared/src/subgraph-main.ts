import type { DataSource } from 'typeorm';
import type { z } from 'zod';
import { DEFAULT_DATABASE_URL, loadEnvOrExit, type serviceEnvSchema } from './env';
import { createLogger, type Logger } from './logger';
import { migrate } from './db';
import { createServiceMetrics, observeService, type ServiceMetrics } from './metrics';
import type { PubSub } from './pubsub/pubsub';
import { startEventRelay, type EventRelayOptions } from './relay';
import type { App } from './subgraph';
import type { TopicName } from './pubsub/topics';
import { startTracing } from './tracing';

type ServiceEnv = z.infer<ReturnType<typeof serviceEnvSchema>>;
/** What parseEnv adds: the secrets, defaulted outside production. */
type Secrets = { JWT_SECRET: string; GATEWAY_SECRET: string };

/** What a service's own parts are built from once the shared start-up has run. */
export interface SubgraphParts<E> {
  env: E;
  log: Logger;
  dataSource: DataSource;
  /** The streaming replica of DATABASE_READ_URL, when one is named. */
  readDataSource?: DataSource;
  metrics: ServiceMetrics;
}

/** The event table a service publishes (see startEventRelay); the bus and connection come from env. */
export type SubgraphRelay = { [K in TopicName]: Pick<EventRelayOptions<K>, 'table' | 'topic' | 'toPayload' | 'alongside'> }[TopicName];

export interface SubgraphMainSpec<S extends z.ZodType<ServiceEnv, z.ZodTypeDef, unknown>> {
  /** Logger, tracing and metrics name; also the Postgres schema migrated. */
  name: string;
  envSchema: S;
  createDataSource(url: string): DataSource;
  /** Committed rows of this table go to the bus (no bus configured: no relay). Default none. */
  relay?: SubgraphRelay;
  createServer(parts: SubgraphParts<z.infer<S> & Secrets>): Promise<App>;
  /** Periodic jobs started once the server listens; stopped first on close. */
  jobs?(parts: SubgraphParts<z.infer<S> & Secrets>): Array<{ stop(): Promise<void> }>;
}

export interface RunningSubgraph {
  port: number;
  close(): Promise<void>;
}

/** deps.pubsub: the in-process bus of the one-process start; without it REDIS_URL (if set) is used. */
export type SubgraphMain<E> = (env?: E, deps?: { pubsub?: PubSub }) => Promise<RunningSubgraph>;

/**
 * A subgraph's `main`: the one start-up every service shares (tracing, logger, data source and
 * migrations, read replica, relay, metrics, server, jobs) and its reverse on close. Runs as its
 * own process (`runMain(main)`) or inside `npm start` and the test stack with a shared bus.
 */
export function createSubgraphMain<S extends z.ZodType<ServiceEnv, z.ZodTypeDef, unknown>>(spec: SubgraphMainSpec<S>): SubgraphMain<z.infer<S> & Secrets> {
  const { name } = spec;
  return async (env = loadEnvOrExit(spec.envSchema), deps = {}) => {
    // First: servers built after this carry the request spans (nothing is loaded when no endpoint is set).
    const tracing = startTracing(name, env);
    const log = createLogger(name, env.LOG_LEVEL);
    const databaseUrl = env.DATABASE_URL ?? DEFAULT_DATABASE_URL;
    const dataSource = spec.createDataSource(databaseUrl);
    await dataSource.initialize();
    await migrate(dataSource, name);
    // Analytics reads from a streaming replica when DATABASE_READ_URL names one (never migrated: it follows the primary).
    const readDataSource = env.DATABASE_READ_URL ? await spec.createDataSource(env.DATABASE_READ_URL).initialize() : undefined;
    const relay = spec.relay
      ? startEventRelay({
          ...(spec.relay as EventRelayOptions<TopicName>),
          schema: name,
          dataSource,
          databaseUrl,
          pubsub: deps.pubsub,
          redisUrl: env.REDIS_URL,
          redisClusterNodes: env.REDIS_CLUSTER_NODES,
          channelPrefix: env.PLAZA_CHANNEL_PREFIX,
          log,
        })
      : null;
    const metrics = createServiceMetrics({ service: name, token: env.METRICS_TOKEN });
    observeService(metrics, { dataSource, relay, schema: name, table: spec.relay?.table });
    const parts: SubgraphParts<typeof env> = { env, log, dataSource, readDataSource, metrics };
    const app = await spec.createServer(parts);
    const port = await app.listen(env.PORT, env.HOST);
    const jobs = spec.jobs?.(parts) ?? [];
    log.info({ port }, `${name} subgraph on http://${env.HOST}:${port}/graphql`);
    return {
      port,
      async close() {
        for (const job of jobs) await job.stop();
        await app.close();
        await relay?.stop();
        await dataSource.destroy();
        await readDataSource?.destroy();
        await tracing.shutdown(); // last: flushes the spans of the shutdown itself
      },
    };
  };
}
