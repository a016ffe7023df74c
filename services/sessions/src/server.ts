import { createLogger, createSubgraphApp, type App, type Logger, csvExportRoute, replicaLagRoute, type ServiceMetrics } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { createLoaders, createServices, type SessionsContext } from './context';
import { sessionsExport } from './export/sessions.export';
import { buildSessionsSchema } from './schema';

export interface SessionsDeps {
  dataSource: DataSource;
  /** Where the analytics reads (overview, trends, common issues, exports) go: a streaming replica. Default dataSource. */
  readDataSource?: DataSource;
  gatewaySecret: string;
  production?: boolean;
  log?: Logger;
  /** Prometheus registry behind GET /metrics. Default: one of its own. */
  metrics?: ServiceMetrics;
}

/** Builds the subgraph without side effects: no port is bound until `listen`. */
export async function createServer(deps: SessionsDeps): Promise<App> {
  const { schema } = await buildSessionsSchema();
  const read = deps.readDataSource ?? deps.dataSource;
  const services = createServices(deps.dataSource, read);
  const log = deps.log ?? createLogger('sessions', 'silent');
  return createSubgraphApp<SessionsContext>({
    name: 'sessions',
    schema,
    gatewaySecret: deps.gatewaySecret,
    production: deps.production ?? false,
    log,
    metrics: deps.metrics,
    routes: {
      // The gateway proxies GET /export/sessions.csv here with the viewer's signed identity.
      '/export/sessions.csv': csvExportRoute({ gatewaySecret: deps.gatewaySecret, log, export: sessionsExport(read, services.session) }),
      '/metrics/replica': replicaLagRoute(read),
    },
    extendContext: (base) => Object.assign(base, { services, loaders: createLoaders(deps.dataSource, read) }),
    isReady: async () => {
      await deps.dataSource.query('SELECT 1');
      return true;
    },
  });
}
