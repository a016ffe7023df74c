import type { Server } from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import type { GraphQLSchema } from 'graphql';
import type { Logger } from 'pino';
import { formatClientError } from './errors';
import { verifyIdentity } from './identity';
import { closeServer, createHttpServer, listen, sendJson, type Route } from './http';
import type { Viewer } from './viewer';
import { createServiceMetrics, graphqlMetricsPlugin, instrumentHttpServer, metricsRoute, type ServiceMetrics } from './metrics';
import { graphqlTracingPlugin } from './tracing';

/** What every subgraph resolver receives; services extend it with their loaders. */
export interface SubgraphContext {
  viewer: Viewer;
  requestId: string;
  log: Logger;
}

export interface SubgraphAppOptions<C extends SubgraphContext> {
  name: string;
  schema: GraphQLSchema;
  gatewaySecret: string;
  production: boolean;
  log: Logger;
  /**
   * Adds the per-request parts (one DataLoader set per request). Assign them onto `base`
   * (Object.assign) rather than spreading it: its `log` is a getter, built on first use.
   */
  extendContext: (base: SubgraphContext) => C;
  /** `/ready` answers 200 only while this resolves true (e.g. the database answers). */
  isReady: () => Promise<boolean>;
  routes?: Record<string, Route>;
  /** Prometheus metrics served on GET /metrics. Default: a registry of its own, no token. */
  metrics?: ServiceMetrics;
}

/**
 * The per-request base context. The request's child logger is built only when something logs:
 * most calls never do, and a pino child (bindings serialised to JSON) was paid on every call.
 */
class RequestContext implements SubgraphContext {
  #log: Logger | undefined;
  constructor(
    readonly viewer: Viewer,
    readonly requestId: string,
    private readonly root: Logger,
  ) {}
  get log(): Logger {
    return (this.#log ??= this.root.child({ requestId: this.requestId }));
  }
}

export interface App {
  server: Server;
  /** The registry behind GET /metrics; main() adds the pool, relay and job series to it. */
  metrics: ServiceMetrics;
  listen(port: number, host?: string): Promise<number>;
  close(): Promise<void>;
}

/** Logs internal failures once, with the request id; client errors are not the server's fault. */
export function errorLoggingPlugin(log: Logger): ApolloServerPlugin<{ requestId?: string }> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue, operationName }) {
          for (const err of errors) {
            const code = err.extensions?.code;
            if (code && code !== 'INTERNAL_SERVER_ERROR') continue;
            log.error({ err: err.originalError ?? err, requestId: contextValue.requestId, operationName, path: err.path }, err.message);
          }
        },
      };
    },
  };
}

/**
 * What Apollo's default cache-control plugin answers for a schema without cache hints (ours has
 * none): `cache-control: no-store` on every GraphQL response. That plugin also hooked every field
 * resolution of every call (a policy object per field) to arrive at it; this sets the same header
 * without touching execution.
 */
export const noStorePlugin: ApolloServerPlugin = {
  async requestDidStart() {
    return {
      async willSendResponse({ response }) {
        response.http.headers.set('cache-control', 'no-store');
      },
    };
  },
};

export async function createSubgraphApp<C extends SubgraphContext>(o: SubgraphAppOptions<C>): Promise<App> {
  const metrics = o.metrics ?? createServiceMetrics({ service: o.name });
  const apollo = new ApolloServer<C>({
    schema: o.schema,
    introspection: !o.production,
    includeStacktraceInErrorResponses: !o.production,
    formatError: (formatted) => formatClientError(formatted),
    // Signals are the process owner's (runMain, npm start): Apollo's own handler would stop this
    // server and re-raise SIGTERM, ending the one-process start before it stopped the rest.
    stopOnTerminationSignals: false,
    // The gateway sends one request's parallel reads to this subgraph as one JSON array: Apollo
    // runs them with the one context built below (one identity check, one DataLoader set, so
    // their SQL batches too). Only a signed request gets that far.
    allowBatchedHttpRequests: true,
    plugins: [
      ApolloServerPluginInlineTraceDisabled(),
      ApolloServerPluginCacheControlDisabled(),
      noStorePlugin as ApolloServerPlugin<C>,
      errorLoggingPlugin(o.log) as ApolloServerPlugin<C>,
      graphqlMetricsPlugin(metrics) as ApolloServerPlugin<C>,
      graphqlTracingPlugin() as ApolloServerPlugin<C>,
    ],
  });
  await apollo.start();
  const routes: Record<string, Route> = {
    '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: o.name }),
    '/ready': async (_req, res) => {
      const ok = await o.isReady().catch(() => false);
      sendJson(res, ok ? 200 : 503, { status: ok ? 'ready' : 'not ready', service: o.name });
    },
    // Unsigned, unlike /graphql: a scraper is not the gateway (METRICS_TOKEN may guard it).
    '/metrics': metricsRoute(metrics),
    ...o.routes,
  };
  const contextOf = (header: (name: string) => string | undefined, requestId: string): C => o.extendContext(new RequestContext(verifyIdentity(header, o.gatewaySecret), requestId, o.log));
  const server = createHttpServer<C>({
    apollo,
    log: o.log,
    context: async (req, requestId) => contextOf((h) => req.headers[h] as string | undefined, requestId),
    // The gateway's calls for different client requests issued together: each part is checked
    // and run with its own context, as if it had come alone.
    multiplex: { context: async (header, requestId) => contextOf(header, requestId) },
    routes,
  });
  instrumentHttpServer(server, metrics);
  return {
    server,
    metrics,
    listen: (port, host) => listen(server, port, host),
    async close() {
      await closeServer(server);
      await apollo.stop();
    },
  };
}
