import 'reflect-metadata';
import { createSubgraphMain, runMain } from '@plaza/shared';
import { createSessionsDataSource } from './data-source';
import { sessionsEnvSchema } from './env';
import { createServer } from './server';
import { sessionEventPayload } from './session-event/session-event.payload';

export { createServer } from './server';
export { createSessionsDataSource, SCHEMA } from './data-source';
export { buildSessionsSchema } from './schema';
export { seedDemo } from './seed/demo.seed';
export { seedTonight } from './seed/tonight.seed';

/** Starts the service as its own process (also used by the one-process start and the test stack). */
export const main = createSubgraphMain({
  name: 'sessions',
  envSchema: sessionsEnvSchema,
  createDataSource: createSessionsDataSource,
  // Live updates: committed session events go to the bus.
  relay: { table: 'session_event', topic: 'sessionEvents', toPayload: sessionEventPayload },
  createServer: ({ env, dataSource, readDataSource, log, metrics }) =>
    createServer({ dataSource, readDataSource, gatewaySecret: env.GATEWAY_SECRET, production: env.NODE_ENV === 'production', log, metrics }),
});

if (require.main === module) runMain(() => main());
