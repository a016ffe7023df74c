import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloGateway, type GraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { DownstreamServiceError, IDENTITY_HEADER, IDENTITY_TTL_MS, REQUEST_ID_HEADER, SIGNATURE_HEADER, signIdentity, type Logger, type Viewer } from '@plaza/shared';
import { createSubgraphFetcher, type SubgraphFetcher } from './subgraph-fetcher';
import { traceSubgraphFetcher } from './tracing';
import type { GatewayMetrics } from './metrics/gateway.metrics';

/** What every gateway request carries: the verified viewer and the id logged everywhere. */
export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
  log: Logger;
}

/**
 * A request's context. Its logger (a pino child carrying the request id) is made on first use:
 * most requests never log. On the prototype, since Apollo copies a context's own properties
 * per operation (a getter among them would run at once).
 */
export class RequestContext implements GatewayContext {
  private child: Logger | undefined = undefined;

  constructor(
    readonly viewer: Viewer,
    readonly requestId: string,
    private readonly parentLog: Logger,
  ) {}

  get log(): Logger {
    return (this.child ??= this.parentLog.child({ requestId: this.requestId }));
  }
}

/** The committed supergraph, written by `npm run compose`. */
export const SUPERGRAPH_PATH = join(__dirname, '..', 'supergraph.graphql');

export function readSupergraph(path = SUPERGRAPH_PATH): string {
  return readFileSync(path, 'utf8');
}

/** Anonymous: health checks and schema loading have no client context. */
const NO_VIEWER: Viewer = { id: null, name: null, roles: [], communityIds: [] };

/**
 * The identity headers of one client request, signed once for all its subgraph calls (they are
 * the same viewer). Signed again past half the signature's lifetime, so a long request never
 * sends a stale one.
 */
const signedByRequest = new WeakMap<GatewayContext, { headers: Record<string, string>; at: number }>();
function signedHeaders(context: GatewayContext, secret: string): Record<string, string> {
  const now = Date.now();
  const known = signedByRequest.get(context);
  if (known && now - known.at < IDENTITY_TTL_MS / 2) return known.headers;
  const headers = { ...signIdentity(context.viewer, secret, now), ...(context.requestId ? { [REQUEST_ID_HEADER]: context.requestId } : {}) };
  signedByRequest.set(context, { headers, at: now });
  return headers;
}

/** max-age / public / private of a subgraph's cache-control header, as @apollo/gateway reads it. */
function cacheHint(header: string | undefined): { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } {
  const hint: { maxAge: number; scope?: 'PUBLIC' | 'PRIVATE' } = { maxAge: 0 };
  for (const part of (header ?? '').split(',')) {
    const [name, value] = part.trim().toLowerCase().split('=');
    if (name === 'max-age' && value && /^[0-9]+$/.test(value)) hint.maxAge = Number(value);
    else if (name === 'private') hint.scope = 'PRIVATE';
    else if (name === 'public') hint.scope = 'PUBLIC';
  }
  return hint;
}

type GatewayGraphQLResponse = Awaited<ReturnType<GraphQLDataSource['process']>>;

export interface SignedDataSourceOptions {
  url: string;
  gatewaySecret: string;
  /** The gateway's subgraph client (shares, batches, keeps sockets), shared by every subgraph. */
  fetcher: SubgraphFetcher;
  /** The subgraph's name, told to clients when it fails (never its URL). Default: the URL's host. */
  serviceName?: string;
  /** Told the GraphQL errors of every response (metrics). */
  onErrors?: (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) => void;
}

/**
 * A subgraph call that carries the verified viewer, signed with GATEWAY_SECRET, and the request
 * id, so subgraphs trust nobody but the gateway and every log line of one request can be joined.
 * Reads of one request go through the subgraph fetcher's sharing and batching; a mutation is
 * told by the plan's operation type, never by reading the body.
 */
export class SignedDataSource implements GraphQLDataSource<GatewayContext> {
  private readonly url: URL;
  private readonly serviceName: string;

  constructor(private readonly o: SignedDataSourceOptions) {
    this.url = new URL(o.url);
    this.serviceName = o.serviceName ?? this.url.host;
  }

  /**
   * A subgraph that does not answer, answers non-2xx or not with GraphQL JSON is
   * DOWNSTREAM_SERVICE_ERROR with its name; what went wrong is logged with the request id.
   * (A GraphQL error the subgraph answers with 200 is the subgraph's own and passes as it is.)
   */
  async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): Promise<GatewayGraphQLResponse> {
    const { request } = options;
    if (!request.query) throw new Error('Missing query');
    // A client's operation (or a hydration) has the request context; health checks and schema loading not.
    const incoming = 'incomingRequestContext' in options ? options : null;
    const context = incoming?.context.viewer ? incoming.context : null;
    const signed = context ? signedHeaders(context, this.o.gatewaySecret) : signIdentity(NO_VIEWER, this.o.gatewaySecret);
    let headers = signed;
    if (request.http?.headers) {
      headers = { ...signed };
      for (const [k, v] of request.http.headers) if (!(k in headers)) headers[k] = v;
    }
    const body = JSON.stringify({ query: request.query, variables: request.variables, operationName: request.operationName });
    const read =
      context && incoming?.incomingRequestContext.operation?.operation === 'query'
        ? {
            shareKey: `${this.o.url}\n${signed[IDENTITY_HEADER]}\n${body}`,
            batchKey: `${this.o.url}\n${signed[SIGNATURE_HEADER]}\n${context.requestId}`,
          }
        : undefined;
    let reply;
    try {
      reply = await this.o.fetcher.send({ url: this.url, headers, body, ...(read ? { read } : {}) });
    } catch (err) {
      context?.log?.warn({ err, subgraph: this.serviceName, requestId: context.requestId }, 'subgraph call failed');
      throw new DownstreamServiceError(this.serviceName);
    }
    const response = reply.result as GatewayGraphQLResponse;
    this.o.onErrors?.(response.errors as never);
    const policy = incoming?.incomingRequestContext.overallCachePolicy;
    if (policy && 'restrict' in policy) policy.restrict(cacheHint(reply.cacheControl));
    return response;
  }
}

export interface GatewayOptions {
  supergraphSdl: string;
  gatewaySecret: string;
  /** Subgraph name -> URL; wins over the URL recorded in the supergraph (which is for local dev). */
  subgraphUrls?: Record<string, string>;
  log: Logger;
  /** Share identical subgraph reads in flight (subgraph-fetcher.ts). Default true. */
  shareInflight?: boolean;
  /** One request's reads to one subgraph issued together travel as one HTTP request (subgraph-fetcher.ts). Default true. */
  batchSubgraphCalls?: boolean;
  /** Different client requests' reads to one subgraph issued together travel as one multiplexed HTTP request (subgraph-fetcher.ts). Default true. */
  multiplexSubgraphCalls?: boolean;
  /** Subgraph calls, subgraph errors and query-plan cache hits are counted here. Default none. */
  metrics?: GatewayMetrics;
  /** Let Apollo Gateway send Apollo its usage data (APOLLO_TELEMETRY_DISABLED in env.ts). Default false. */
  apolloTelemetry?: boolean;
}

/**
 * Apollo Gateway reads APOLLO_TELEMETRY_DISABLED from the environment in its constructor and has
 * no option for it: set for that call only, as `telemetry` says, and put back after.
 */
function withApolloTelemetry<T>(telemetry: boolean, make: () => T): T {
  const before = process.env.APOLLO_TELEMETRY_DISABLED;
  process.env.APOLLO_TELEMETRY_DISABLED = telemetry ? 'false' : 'true';
  try {
    return make();
  } finally {
    if (before === undefined) delete process.env.APOLLO_TELEMETRY_DISABLED;
    else process.env.APOLLO_TELEMETRY_DISABLED = before;
  }
}

export function createGateway(o: GatewayOptions): ApolloGateway {
  const m = o.metrics;
  const names = new Map<string, string>();
  const fetcher = createSubgraphFetcher({
    share: o.shareInflight ?? true,
    batch: o.batchSubgraphCalls ?? true,
    multiplex: o.multiplexSubgraphCalls ?? true,
    ...(m ? { onHttp: (url: URL, outcome: string, seconds: number) => m.subgraphFetched(names.get(url.href) ?? url.host, outcome, seconds) } : {}),
  });
  return withApolloTelemetry(
    o.apolloTelemetry ?? false,
    () =>
      new ApolloGateway({
        supergraphSdl: o.supergraphSdl,
        logger: o.log,
        // Query plans by approximate bytes (default 30 MiB): clients send few distinct documents, a
        // hostile one many; 4 MiB holds hundreds of plans of the size consoles send.
        experimental_approximateQueryPlanStoreMiB: 4,
        ...(m ? { experimental_didResolveQueryPlan: ({ queryPlan }) => m.queryPlanResolved(queryPlan) } : {}),
        buildService: ({ name, url }) => {
          const target = o.subgraphUrls?.[name] ?? url;
          if (!target) throw new Error(`no URL for subgraph "${name}": set ${name.toUpperCase()}_URL`);
          names.set(new URL(target).href, name);
          return new SignedDataSource({
            url: target,
            gatewaySecret: o.gatewaySecret,
            // Tracing (off: the same fetcher): a span per call and its traceparent header.
            fetcher: traceSubgraphFetcher(name, fetcher),
            serviceName: name,
            ...(m ? { onErrors: (errors: Parameters<GatewayMetrics['subgraphErrors']>[1]) => m.subgraphErrors(name, errors) } : {}),
          });
        },
      }),
  );
}
