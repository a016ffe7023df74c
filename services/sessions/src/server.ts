import { createLogger, createSubgraphApp, type App, type Logger } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { createLoaders, createServices, type SessionsContext } from './context';
import { buildSessionsSchema } from './schema';

export interface SessionsDeps {
  dataSource: DataSource;
  gatewaySecret: string;
  production?: boolean;
  log?: Logger;
}

/** Builds the subgraph without side effects: no port is bound until `listen`. */
export async function createServer(deps: SessionsDeps): Promise<App> {
  const { schema } = await buildSessionsSchema();
  const services = createServices(deps.dataSource);
  return createSubgraphApp<SessionsContext>({
    name: 'sessions',
    schema,
    gatewaySecret: deps.gatewaySecret,
    production: deps.production ?? false,
    log: deps.log ?? createLogger('sessions', 'silent'),
    extendContext: (base) => ({ ...base, services, loaders: createLoaders(deps.dataSource) }),
    isReady: async () => {
      await deps.dataSource.query('SELECT 1');
      return true;
    },
  });
}
