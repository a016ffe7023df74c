import { createLogger, createSubgraphApp, csvExportRoute, replicaLagRoute, type App, type Logger, type ServiceMetrics } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { createLoaders, createServices, type IssuesContext } from './context';
import { SessionsDirectory } from './federation/sessions.directory';
import { issuesExport } from './export/issues.export';
import { departmentsExport } from './league/league.export';
import type { Clock } from './issue/issue.service';
import { buildIssuesSchema } from './schema';

export interface IssuesDeps {
  dataSource: DataSource;
  /** Where the analytics reads (overview, trends, common issues, exports) go: a streaming replica. Default dataSource. */
  readDataSource?: DataSource;
  gatewaySecret: string;
  /** The sessions subgraph, where community, grid and session ids are checked. */
  sessionsUrl: string;
  /** What "now" is (deadlines, overdue). Default the wall clock. */
  clock?: Clock;
  production?: boolean;
  log?: Logger;
  /** Prometheus registry behind GET /metrics. Default: one of its own. */
  metrics?: ServiceMetrics;
}

/** Builds the subgraph without side effects: no port is bound until `listen`, no job is started. */
export async function createServer(deps: IssuesDeps): Promise<App> {
  const { schema } = await buildIssuesSchema();
  const clock = deps.clock ?? (() => new Date());
  const log = deps.log ?? createLogger('issues', 'silent');
  const read = deps.readDataSource ?? deps.dataSource;
  const services = createServices(deps.dataSource, new SessionsDirectory(deps.sessionsUrl, deps.gatewaySecret), clock, read);
  return createSubgraphApp<IssuesContext>({
    name: 'issues',
    schema,
    gatewaySecret: deps.gatewaySecret,
    production: deps.production ?? false,
    log,
    metrics: deps.metrics,
    extendContext: (base) => {
      const ctx: IssuesContext = Object.assign(base, {
        services,
        loaders: createLoaders(deps.dataSource, services, base.viewer),
        // Through `this`, not the closure: Apollo Server shallow-clones the context for every
        // operation, so assigning to the object built here would leave the resolvers' copy stale.
        resetLoaders(this: IssuesContext) {
          this.loaders = createLoaders(deps.dataSource, services, base.viewer);
        },
      });
      return ctx;
    },
    // Proxied by the gateway; checks the signed identity itself (routes have no GraphQL context).
    routes: {
      '/export/issues.csv': csvExportRoute({ gatewaySecret: deps.gatewaySecret, log, export: issuesExport(read, clock) }),
      '/export/departments.csv': csvExportRoute({ gatewaySecret: deps.gatewaySecret, log, export: departmentsExport(read, clock) }),
      '/metrics/replica': replicaLagRoute(read),
    },
    isReady: async () => {
      await deps.dataSource.query('SELECT 1');
      return true;
    },
  });
}
