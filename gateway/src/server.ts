import type { Server } from 'node:http';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  closeServer,
  createPlainServer,
  createRequestHandler,
  createLogger,
  errorLoggingPlugin,
  formatClientError,
  createServiceMetrics,
  graphqlMetricsPlugin,
  graphqlTracingPlugin,
  instrumentHttpServer,
  listen,
  metricsRoute,
  sendJson,
  SubscriptionsUnavailableError,
  type ClientTimeouts,
  type ServiceMetrics,
  viewerFromAuthorization,
  verifyToken,
  type Logger,
  type PubSub,
  type Route,
} from '@plaza/shared';
import type { DocumentNode, GraphQLSchema } from 'graphql';
import { InMemoryLRUCache } from '@apollo/utils.keyvaluecache';
import type { ApolloGateway } from '@apollo/gateway';
import { createGateway, readSupergraph, RequestContext, type GatewayContext } from './gateway';
import { exportRoutes } from './export/export.routes';
import { queryLimitsPlugin } from './limits/query-limits.plugin';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './limits/query-cost';
import { LimitsGuard } from './limits/limits.guard';
import { hideSuggestionsPlugin } from './errors/suggestions.plugin';
import { attachSubscriptions, type SubscriptionCounters, type SubscriptionServer } from './subscriptions';
import { gatewayExecute, gatewayReplay, subscriptionSchema } from './subscriptions/subscription.wiring';
import { fullSchemaIntrospectionPlugin } from './subscriptions/introspection.plugin';
import { screenRoutes, type ScreenRouteOptions } from './screen/screen.routes';
import { supportRateLimitPlugin, type SupportRateLimitOptions } from './screen/support-rate-limit.plugin';
import { explorerRoutes, type ExplorerRouteOptions } from './explorer/explorer.routes';
import { inputGuardPlugin } from './inputs/input-guard.plugin';
import { hardenScalars } from './inputs/strict-scalars';
import { checkPersistedQuery } from './inputs/persisted-query.check';
import { GatewayApolloServer } from './http/graphql-over-http.apollo';
import { InflightAnswers } from './http/shared-answers';
import { refusalFor } from './http/graphql-over-http';
import { corsHandler, parseCorsOrigins, type CorsOrigins } from './http/cors';
import { createDrain } from './lifecycle/drain';
import { createGatewayMetrics, subscriptionMetrics } from './metrics/gateway.metrics';

/**
 * Byte budgets of Apollo's per-document caches at the gateway (its defaults are 30 MiB each,
 * measured as JSON, which the heap multiplies several times). Query plans: gateway.ts.
 */
export const CACHE_BYTES = { documents: 2 * 2 ** 20, persistedQueries: 1 * 2 ** 20 } as const;

/** Live updates (issue 4): graphql-ws on the same port and path as HTTP, fed by the bus. */
export interface GatewaySubscriptionOptions {
  /** The event bus (in-process or Redis). null: subscriptions are refused with a clear reason. */
  pubsub: PubSub | null;
  /** Events buffered per subscriber before SUBSCRIPTION_OVERFLOW. Default 1000. */
  bufferLimit?: number;
  /** Subscriptions one connection may hold open (TOO_MANY_SUBSCRIPTIONS past it). Default 100. */
  maxSubscriptionsPerConnection?: number;
  /** graphql-ws keep-alive ping interval, ms. Default 12000. */
  keepAliveMs?: number;
}

export interface GatewayDeps {
  /** Default: the committed gateway/supergraph.graphql. */
  supergraphSdl?: string;
  /** Subgraph name -> URL; default the URLs recorded in the supergraph. */
  subgraphUrls?: Record<string, string>;
  jwtSecret: string;
  gatewaySecret: string;
  production?: boolean;
  log?: Logger;
  /** Extra Apollo plugins (e.g. from the live-updates part). */
  plugins?: ApolloServerPlugin<GatewayContext>[];
  /** Extra GET routes beside /health and /ready. */
  routes?: Record<string, Route>;
  /** Identical subgraph reads in flight share one call, and identical queries of one viewer in flight one answer. Default true. */
  shareInflight?: boolean;
  /** One request's reads to one subgraph issued together travel as one HTTP request. Default true. */
  batchSubgraphCalls?: boolean;
  /** Apollo Gateway's usage data to Apollo (see APOLLO_TELEMETRY_DISABLED in env.ts). Default false. */
  apolloTelemetry?: boolean;
  /** Different client requests' reads to one subgraph issued together travel as one multiplexed HTTP request. Default true. */
  multiplexSubgraphCalls?: boolean;
  /** Document bytes and tokens, depth, alias, directive and cost limits; defaults in limits/query-cost.ts. */
  limits?: Partial<QueryLimits>;
  /** How long one subgraph /ready probe may take. Default 2000 ms. */
  readyTimeoutMs?: number;
  /** Attach GraphQL subscriptions (ws on /graphql). Default: none. */
  subscriptions?: GatewaySubscriptionOptions;
  /** The plaza screen (/screen, issue 6); defaults from env PLAZA_SCREEN_TOKEN, PLAZA_PUBLIC_URL. */
  screen?: ScreenRouteOptions & { rateLimit?: SupportRateLimitOptions };
  /** GraphiQL at /graphiql; default off in production unless PLAZA_GRAPHIQL=1. */
  explorer?: ExplorerRouteOptions;
  /** Browser origins allowed on /graphql and /export/*.csv (env CORS_ORIGINS); default any outside production, none in it. */
  corsOrigins?: CorsOrigins;
  /** How long a client may take to send a request; default CLIENT_TIMEOUTS (@plaza/shared http.ts). */
  clientTimeouts?: ClientTimeouts;
  /** Prometheus registry behind GET /metrics. Default: one of its own, no token. */
  metrics?: ServiceMetrics;
}

export interface GatewayApp {
  /** The node server: a graphql-ws server can attach to it on the same port and path. */
  server: Server;
  apollo: ApolloServer<GatewayContext>;
  gateway: ApolloGateway;
  /** Subgraph name -> URL the gateway calls. */
  subgraphs: Record<string, string>;
  /** The subscription server when `deps.subscriptions` had a bus, else null. */
  subscriptions: SubscriptionServer | null;
  /** The registry behind GET /metrics. */
  metrics: ServiceMetrics;
  listen(port: number, host?: string): Promise<number>;
  /**
   * The SIGTERM path (lifecycle/drain.ts): /ready answers 503 and no new connection is taken at
   * once; after up to `graceMs` open sockets close with 1012 (clients resume elsewhere with
   * `after`); then close().
   */
  drain(graceMs: number): Promise<void>;
  close(): Promise<void>;
}

/**
 * One line per operation with the request id the subgraphs log too, so a slow or failing
 * request can be followed across every service.
 */
export function requestLoggingPlugin(log: Logger): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart({ contextValue, request }) {
      // Asked per request (the level may change at run time); below debug there is nothing to time.
      if (!log.isLevelEnabled('debug')) return;
      const started = performance.now();
      return {
        async willSendResponse({ errors }) {
          log.debug(
            {
              requestId: contextValue.requestId,
              operationName: request.operationName,
              viewer: contextValue.viewer.id,
              ms: Math.round(performance.now() - started),
              errors: errors?.length ?? 0,
            },
            'graphql request',
          );
        },
      };
    },
  };
}

/** Subgraph name -> URL as `join__Graph` records it in a supergraph. */
export function supergraphSubgraphs(supergraphSdl: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of supergraphSdl.matchAll(/@join__graph\(name:\s*"([^"]+)",\s*url:\s*"([^"]*)"\)/g)) out[m[1]!] = m[2]!;
  return out;
}

async function answersReady(graphqlUrl: string, timeoutMs: number): Promise<boolean> {
  try {
    const res = await fetch(new URL('/ready', graphqlUrl), { signal: AbortSignal.timeout(timeoutMs) });
    await res.arrayBuffer();
    return res.status === 200;
  } catch {
    return false;
  }
}

/**
 * Builds the gateway without binding a port: Apollo Server 5 running @apollo/gateway over the
 * static supergraph, behind the shared HTTP handler (request ids, body limits, JSON errors).
 */
export async function createGatewayServer(deps: GatewayDeps): Promise<GatewayApp> {
  const log = deps.log ?? createLogger('gateway', 'silent');
  const production = deps.production ?? false;
  const supergraphSdl = deps.supergraphSdl ?? readSupergraph();
  const subgraphs = { ...supergraphSubgraphs(supergraphSdl) };
  for (const name of Object.keys(subgraphs)) if (deps.subgraphUrls?.[name]) subgraphs[name] = deps.subgraphUrls[name]!;

  const metrics = deps.metrics ?? createServiceMetrics({ service: 'gateway' });
  const gatewayMetrics = createGatewayMetrics(metrics);
  const gateway = createGateway({
    supergraphSdl,
    gatewaySecret: deps.gatewaySecret,
    subgraphUrls: subgraphs,
    log,
    shareInflight: deps.shareInflight,
    batchSubgraphCalls: deps.batchSubgraphCalls,
    multiplexSubgraphCalls: deps.multiplexSubgraphCalls,
    apolloTelemetry: deps.apolloTelemetry,
    metrics: gatewayMetrics,
  });
  // The API schema (what clients see), captured as the gateway loads the supergraph.
  const loaded: { api: GraphQLSchema | null; full: GraphQLSchema | null } = { api: null, full: null };
  gateway.onSchemaLoadOrUpdate(({ apiSchema }) => {
    hardenScalars(apiSchema);
    loaded.api = apiSchema;
    loaded.full = subscriptionSchema(apiSchema);
  });
  const limits = { ...DEFAULT_QUERY_LIMITS, ...deps.limits };
  const formatError = (formatted: Parameters<typeof formatClientError>[0]) => formatClientError(formatted);
  const apollo = new GatewayApolloServer<GatewayContext>(
    {
      gateway,
      introspection: !production,
      includeStacktraceInErrorResponses: !production,
      // "Did you mean …?" in validation errors would hand out the schema that introspection hides.
      hideSchemaDetailsFromClientErrors: production,
      // Signals are the process owner's (index.ts drains first; npm start stops everything, the
      // embedded PostgreSQL last): Apollo's own handler would stop and re-raise SIGTERM at once.
      stopOnTerminationSignals: false,
      formatError,
      // Bounded by (approximate) bytes, smaller than Apollo's 30 MiB defaults: every anonymous
      // phone may send documents, and what they leave behind must not grow the heap for long.
      documentStore: new InMemoryLRUCache<DocumentNode>({ maxSize: CACHE_BYTES.documents }),
      persistedQueries: { cache: new InMemoryLRUCache<string>({ maxSize: CACHE_BYTES.persistedQueries }) },
      plugins: [
        inputGuardPlugin(),
        queryLimitsPlugin(limits) as ApolloServerPlugin<GatewayContext>,
        errorLoggingPlugin(log) as ApolloServerPlugin<GatewayContext>,
        requestLoggingPlugin(log),
        graphqlMetricsPlugin(metrics) as ApolloServerPlugin<GatewayContext>,
        graphqlTracingPlugin() as ApolloServerPlugin<GatewayContext>,
        supportRateLimitPlugin(deps.screen?.rateLimit),
        fullSchemaIntrospectionPlugin(() => loaded.full) as ApolloServerPlugin<GatewayContext>,
        // After validation too: variable coercion errors name the enum values otherwise.
        ...(production ? [hideSuggestionsPlugin() as ApolloServerPlugin<GatewayContext>] : []),
        ...(deps.plugins ?? []),
      ],
    },
    {
      // Judges the limits on each HTTP request before Apollo parses and validates it.
      guard: new LimitsGuard(limits, () => loaded.api),
      prechecks: [checkPersistedQuery],
      formatError,
      onRefused: (err) => (gatewayMetrics.refused(err.extensions.code), log.debug({ code: err.extensions.code, ...err.extensions, http: undefined }, 'query refused before parsing')),
    },
    // Off with PLAZA_SHARE_INFLIGHT=0, like the sharing of subgraph reads.
    deps.shareInflight === false ? undefined : new InflightAnswers(() => gatewayMetrics.answerShared()),
  );
  await apollo.start();

  const readyTimeoutMs = deps.readyTimeoutMs ?? 2000;
  // How long the event loop was held, the figure every client's latency rides on; ?reset=1 starts anew.
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  let subscriptions: SubscriptionServer | null = null;
  const emptyCounters: SubscriptionCounters = {
    eventsReceived: 0,
    hydrations: 0,
    deliveries: 0,
    overflows: 0,
    subscribers: 0,
    groups: 0,
    cacheBytes: { documents: 0, plans: 0 },
    connections: 0,
    unreadBytes: 0,
    followLoads: 0,
    followEvents: 0,
  };
  const handle = createRequestHandler<GatewayContext>({
    apollo,
    log,
    context: async (req, requestId) => {
      // A bad or expired token is UNAUTHENTICATED (thrown here; see refusal); none is anonymous.
      const viewer = await viewerFromAuthorization(req.headers.authorization, deps.jwtSecret);
      return new RequestContext(viewer, requestId, log);
    },
    refusal: (req, _code, status) => refusalFor(req.headers.accept, status),
    routes: {
      '/health': (_req, res) => sendJson(res, 200, { status: 'ok', service: 'gateway' }),
      '/ready': async (_req, res) => {
        if (drain.draining) return sendJson(res, 503, { status: 'draining', service: 'gateway' });
        const checks = await Promise.all(Object.entries(subgraphs).map(async ([name, url]) => [name, await answersReady(url, readyTimeoutMs)] as const));
        const ok = checks.every(([, up]) => up);
        sendJson(res, ok ? 200 : 503, {
          status: ok ? 'ready' : 'not ready',
          service: 'gateway',
          subgraphs: Object.fromEntries(checks.map(([name, up]) => [name, up ? 'ready' : 'not ready'])),
        });
      },
      // Read by the e2e tests and bench/fanout.mjs: events received, hydrations, deliveries.
      '/metrics/subscriptions': (_req, res, url) => {
        // `?gc=1` collects garbage first so memory per subscriber reads above GC noise; only a
        // process started with --expose-gc (the benchmark's gateway) has `gc`, others ignore it.
        const gc = (globalThis as { gc?: () => void }).gc;
        if (url.searchParams.get('gc') === '1' && gc) gc();
        const memory = process.memoryUsage();
        // The histogram counts from each 10 ms tick: what is over it is the delay.
        const over = (ns: number) => Math.max(0, ns / 1e6 - 10);
        const eventLoopDelayMs = { p50: over(loopDelay.percentile(50)), p99: over(loopDelay.percentile(99)), max: over(loopDelay.max) };
        if (url.searchParams.get('reset') === '1') loopDelay.reset();
        sendJson(res, 200, {
          eventLoopDelayMs,
          enabled: !!subscriptions,
          ...(subscriptions?.counters ?? emptyCounters),
          ...(subscriptions ? { latency: subscriptions.latency() } : {}),
          rssBytes: memory.rss,
          heapUsedBytes: memory.heapUsed,
        });
      },
      ...exportRoutes({ subgraphs, jwtSecret: deps.jwtSecret, gatewaySecret: deps.gatewaySecret, log }),
      ...screenRoutes(deps.screen),
      ...explorerRoutes({ production, ...deps.explorer }),
      // Prometheus text; unsigned like /health (METRICS_TOKEN may guard it).
      '/metrics': metricsRoute(metrics),
      ...deps.routes,
    },
  });
  const cors = corsHandler(deps.corsOrigins ?? parseCorsOrigins(undefined, production));
  const server = createPlainServer((req, res) => {
    if (!cors(req, res)) void handle(req, res);
  }, deps.clientTimeouts);
  instrumentHttpServer(server, metrics);

  const drain = createDrain({ server, sockets: () => subscriptions?.sockets() ?? [], log });

  if (deps.subscriptions) {
    const pubsub = deps.subscriptions.pubsub;
    if (!loaded.api) throw new Error('the gateway loaded no API schema');
    if (pubsub) {
      const execute = gatewayExecute(apollo, log);
      subscriptions = attachSubscriptions({
        httpServer: server,
        path: '/graphql',
        schema: loaded.full ?? subscriptionSchema(loaded.api),
        execute,
        replay: gatewayReplay(execute),
        pubsub,
        verifyToken: (token) => verifyToken(token, deps.jwtSecret),
        log,
        bufferLimit: deps.subscriptions.bufferLimit,
        maxSubscriptionsPerConnection: deps.subscriptions.maxSubscriptionsPerConnection,
        keepAliveMs: deps.subscriptions.keepAliveMs,
        // The same depth, alias and cost limits as HTTP operations, checked before planning.
        limits: deps.limits,
      });
    } else refuseSubscriptions(server);
    if (subscriptions) subscriptionMetrics(metrics, subscriptions);
  }

  let closed: Promise<void> | null = null;
  const close = () =>
    (closed ??= (async () => {
      // First: completes every subscription and closes the sockets, so the server can close.
      await subscriptions?.close();
      await closeServer(server);
      await apollo.stop();
      loopDelay.disable();
    })());
  return {
    server,
    apollo,
    gateway,
    subgraphs,
    subscriptions,
    metrics,
    listen: (port, host) => listen(server, port, host),
    async drain(graceMs) {
      await drain.drain(graceMs);
      await close();
    },
    close,
  };
}

/**
 * Without a bus there are no live events to send: a WebSocket upgrade on /graphql is answered
 * 503 with the reason, instead of a socket that never delivers anything.
 */
function refuseSubscriptions(server: Server) {
  server.on('upgrade', (req, socket) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== '/graphql') return;
    const body = JSON.stringify({ errors: [new SubscriptionsUnavailableError()] });
    socket.end(`HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nconnection: close\r\n\r\n${body}`);
  });
}
