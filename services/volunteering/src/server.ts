import { createLogger, createSubgraphApp, type App, type Logger } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { createLoaders, createServices, type VolunteeringContext } from './context';
import { SubgraphDirectory, type ForeignDirectory } from './foreign/foreign.directory';
import { buildVolunteeringSchema } from './schema';

export interface VolunteeringDeps {
  dataSource: DataSource;
  gatewaySecret: string;
  /** Sessions subgraph, owner of communities and sessions. Default http://127.0.0.1:4001/graphql. */
  sessionsUrl?: string;
  /** Issues subgraph. Default http://127.0.0.1:4002/graphql. */
  issuesUrl?: string;
  /** Replaces the lookups through sessionsUrl/issuesUrl (tests). */
  directory?: ForeignDirectory;
  production?: boolean;
  log?: Logger;
}

/** Builds the subgraph without side effects: no port is bound until `listen`. */
export async function createServer(deps: VolunteeringDeps): Promise<App> {
  const { schema } = await buildVolunteeringSchema();
  const directory =
    deps.directory ??
    SubgraphDirectory.fromUrls(
      { sessionsUrl: deps.sessionsUrl ?? 'http://127.0.0.1:4001/graphql', issuesUrl: deps.issuesUrl ?? 'http://127.0.0.1:4002/graphql' },
      deps.gatewaySecret,
    );
  const services = createServices(deps.dataSource, directory);
  return createSubgraphApp<VolunteeringContext>({
    name: 'volunteering',
    schema,
    gatewaySecret: deps.gatewaySecret,
    production: deps.production ?? false,
    log: deps.log ?? createLogger('volunteering', 'silent'),
    extendContext: (base) => ({ ...base, services, loaders: createLoaders(deps.dataSource) }),
    isReady: async () => {
      await deps.dataSource.query('SELECT 1');
      return true;
    },
  });
}
