import 'reflect-metadata';
import { createLogger, startTracing, createServiceMetrics, DEFAULT_DATABASE_URL, observeService, loadEnvOrExit, migrate, runMain } from '@plaza/shared';
import { createVolunteeringDataSource, SCHEMA } from './data-source';
import { volunteeringEnvSchema } from './env';
import { createServer } from './server';

export { createServer } from './server';
export { createVolunteeringDataSource, SCHEMA } from './data-source';
export { buildVolunteeringSchema } from './schema';
export { SubgraphDirectory, type ForeignDirectory } from './foreign/foreign.directory';
export { seedDemo } from './seed/demo.seed';

/** Starts the service as its own process (also used by the one-process embedded start). */
export async function main(env = loadEnvOrExit(volunteeringEnvSchema)) {
  // First: servers built after this carry the request spans (nothing is loaded when no endpoint is set).
  const tracing = startTracing('volunteering', env);
  const log = createLogger('volunteering', env.LOG_LEVEL);
  const dataSource = createVolunteeringDataSource(env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  await dataSource.initialize();
  await migrate(dataSource, SCHEMA);
  // Analytics reads from a streaming replica when DATABASE_READ_URL names one (never migrated: it follows the primary).
  const readDataSource = env.DATABASE_READ_URL ? await createVolunteeringDataSource(env.DATABASE_READ_URL).initialize() : undefined;
  const metrics = createServiceMetrics({ service: 'volunteering', token: env.METRICS_TOKEN });
  observeService(metrics, { dataSource });
  const app = await createServer({
    metrics,
    dataSource,
    readDataSource,
    gatewaySecret: env.GATEWAY_SECRET,
    sessionsUrl: env.SESSIONS_URL,
    issuesUrl: env.ISSUES_URL,
    production: env.NODE_ENV === 'production',
    log,
  });
  const port = await app.listen(env.PORT, env.HOST);
  log.info({ port }, `volunteering subgraph on http://${env.HOST}:${port}/graphql`);
  return {
    port,
    async close() {
      await app.close();
      await dataSource.destroy();
      await readDataSource?.destroy();
      await tracing.shutdown(); // last: flushes the spans of the shutdown itself
    },
  };
}

if (require.main === module) runMain(() => main());
