import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import type { Fetcher } from '@apollo/utils.fetcher';
import { DownstreamServiceError, REQUEST_ID_HEADER, signIdentity, type Logger, type Viewer } from '@plaza/shared';
import { createSubgraphFetcher } from './subgraph-fetcher';
import { traceSubgraphFetcher } from './tracing';
import type { GatewayMetrics } from './metrics/gateway.metrics';

/** What every gateway request carries: the verified viewer and the id logged everywhere. */
export interface GatewayContext {
  viewer: Viewer;
  requestId: string;
  log: Logger;
}

/** The committed supergraph, written by `npm run compose`. */
export const SUPERGRAPH_PATH = join(__dirname, '..', 'supergraph.graphql');

export function readSupergraph(path = SUPERGRAPH_PATH): string {
  return readFileSync(path, 'utf8');
}

/**
 * A subgraph call that carries the verified viewer, signed with GATEWAY_SECRET, and the request
 * id, so subgraphs trust nobody but the gateway and every log line of one request can be joined.
 */
export class SignedDataSource extends RemoteGraphQLDataSource<GatewayContext> {
  constructor(
    url: string,
    private readonly gatewaySecret: string,
    fetcher?: Fetcher,
    /** The subgraph's name, told to clients when it fails (never its URL). Default: the URL's host. */
    private readonly serviceName = new URL(url).host,
    /** Told the GraphQL errors of every response (metrics). */
    private readonly onErrors?: (errors: readonly { extensions?: Record<string, unknown> }[] | undefined) => void,
  ) {
    super(fetcher ? { url, fetcher } : { url });
  }

  /**
   * A subgraph that does not answer, answers non-2xx or not with GraphQL JSON is
   * DOWNSTREAM_SERVICE_ERROR with its name; what went wrong is logged with the request id.
   * (A GraphQL error the subgraph answers with 200 is the subgraph's own and passes as it is.)
   */
  override async process(options: GraphQLDataSourceProcessOptions<GatewayContext>): ReturnType<RemoteGraphQLDataSource<GatewayContext>['process']> {
    try {
      return await super.process(options);
    } catch (err) {
      const ctx = 'context' in options ? options.context : undefined;
      ctx?.log?.warn({ err, subgraph: this.serviceName, requestId: ctx.requestId }, 'subgraph call failed');
      throw new DownstreamServiceError(this.serviceName);
    }
  }

  override async didReceiveResponse({ response }: Parameters<NonNullable<RemoteGraphQLDataSource<GatewayContext>['didReceiveResponse']>>[0]) {
    this.onErrors?.(response.errors);
    return response;
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<GatewayContext>) {
    const headers = request.http?.headers;
    if (!headers) return;
    // Health checks and schema loading have no client context: they go as the anonymous viewer.
    const viewer: Viewer = context?.viewer ?? { id: null, name: null, roles: [], communityIds: [] };
    for (const [k, v] of Object.entries(signIdentity(viewer, this.gatewaySecret))) headers.set(k, v);
    if (context?.requestId) headers.set(REQUEST_ID_HEADER, context.requestId);
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
  /** Subgraph calls, subgraph errors and query-plan cache hits are counted here. Default none. */
  metrics?: GatewayMetrics;
}

export function createGateway(o: GatewayOptions): ApolloGateway {
  const { fetcher } = createSubgraphFetcher({ share: o.shareInflight ?? true });
  return new ApolloGateway({
    supergraphSdl: o.supergraphSdl,
    logger: o.log,
    // Query plans by approximate bytes (default 30 MiB): clients send few distinct documents, a
    // hostile one many; 4 MiB holds hundreds of plans of the size consoles send.
    experimental_approximateQueryPlanStoreMiB: 4,
    ...(o.metrics ? { experimental_didResolveQueryPlan: ({ queryPlan }) => o.metrics!.queryPlanResolved(queryPlan) } : {}),
    buildService: ({ name, url }) => {
      const target = o.subgraphUrls?.[name] ?? url;
      if (!target) throw new Error(`no URL for subgraph "${name}": set ${name.toUpperCase()}_URL`);
      const m = o.metrics;
      // Tracing (off: the same fetcher): a span per call and its traceparent header.
      const traced = traceSubgraphFetcher(name, fetcher);
      return m
        ? new SignedDataSource(target, o.gatewaySecret, m.instrumentFetcher(name, traced), name, (errors) => m.subgraphErrors(name, errors))
        : new SignedDataSource(target, o.gatewaySecret, traced, name);
    },
  });
}
