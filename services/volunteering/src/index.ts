import 'reflect-metadata';
import { createSubgraphMain, runMain } from '@plaza/shared';
import { createVolunteeringDataSource } from './data-source';
import { volunteeringEnvSchema } from './env';
import { createServer } from './server';

export { createServer } from './server';
export { createVolunteeringDataSource, SCHEMA } from './data-source';
export { buildVolunteeringSchema } from './schema';
export { SubgraphDirectory, type ForeignDirectory } from './federation/subgraphs.directory';
export { seedDemo } from './seed/demo.seed';

/** Starts the service as its own process (also used by the one-process start and the test stack); it publishes no events. */
export const main = createSubgraphMain({
  name: 'volunteering',
  envSchema: volunteeringEnvSchema,
  createDataSource: createVolunteeringDataSource,
  createServer: ({ env, dataSource, readDataSource, log, metrics }) =>
    createServer({
      dataSource,
      readDataSource,
      gatewaySecret: env.GATEWAY_SECRET,
      sessionsUrl: env.SESSIONS_URL,
      issuesUrl: env.ISSUES_URL,
      production: env.NODE_ENV === 'production',
      log,
      metrics,
    }),
});

if (require.main === module) runMain(() => main());
