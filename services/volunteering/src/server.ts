import { createLogger, createSubgraphApp, type App, type Logger, csvExportRoute, replicaLagRoute, type ServiceMetrics } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { createLoaders, createServices, type VolunteeringContext } from './context';
import { activitiesExport } from './export/activities.export';
import { SubgraphDirectory, type ForeignDirectory } from './federation/subgraphs.directory';
import { buildVolunteeringSchema } from './schema';

export interface VolunteeringDeps {
  dataSource: DataSource;
  /** Where the analytics reads (overview, trends, common issues, exports) go: a streaming replica. Default dataSource. */
  readDataSource?: DataSource;
  gatewaySecret: string;
  /** Sessions subgraph, owner of communities and sessions. Default http://127.0.0.1:4001/graphql. */
  sessionsUrl?: string;
  /** Issues subgraph. Default http://127.0.0.1:4002/graphql. */
  issuesUrl?: string;
  /** Replaces the lookups through sessionsUrl/issuesUrl (tests). */
  directory?: ForeignDirectory;
  production?: boolean;
  log?: Logger;
  /** Prometheus registry behind GET /metrics. Default: one of its own. */
  metrics?: ServiceMetrics;
}

/** Builds the subgraph without side effects: no port is bound until `listen`. */
export async function createServer(deps: VolunteeringDeps): Promise<App> {
  const { schema } = await buildVolunteeringSchema();
  const directory =
    deps.directory ??
    SubgraphDirectory.fromUrls({ sessionsUrl: deps.sessionsUrl ?? 'http://127.0.0.1:4001/graphql', issuesUrl: deps.issuesUrl ?? 'http://127.0.0.1:4002/graphql' }, deps.gatewaySecret);
  const read = deps.readDataSource ?? deps.dataSource;
  const services = createServices(deps.dataSource, directory);
  const log = deps.log ?? createLogger('volunteering', 'silent');
  return createSubgraphApp<VolunteeringContext>({
    name: 'volunteering',
    schema,
    gatewaySecret: deps.gatewaySecret,
    production: deps.production ?? false,
    log,
    metrics: deps.metrics,
    routes: {
      // The gateway proxies GET /export/activities.csv here with the viewer's signed identity.
      '/export/activities.csv': csvExportRoute({ gatewaySecret: deps.gatewaySecret, log, export: activitiesExport(read, services.activity) }),
      '/metrics/replica': replicaLagRoute(read),
    },
    extendContext: (base) => Object.assign(base, { services, loaders: createLoaders(deps.dataSource, read) }),
    isReady: async () => {
      await deps.dataSource.query('SELECT 1');
      return true;
    },
  });
}
