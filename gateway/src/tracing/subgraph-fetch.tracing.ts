import { injectTraceHeaders, SpanKind, tracingEnabled, withSpan } from '@plaza/shared';
import type { SubgraphCall, SubgraphFetcher } from '../subgraph-fetcher';

/**
 * A client span around each subgraph call, whose W3C `traceparent` travels with the signed
 * identity headers so the subgraph's request (and its SQL) continue the client's trace. Kept
 * apart from subgraph-fetcher.ts on purpose: it wraps the fetcher the gateway uses, and with
 * tracing off it returns that fetcher itself (not even a wrapper call per request). A read shared
 * with an identical one in flight, and the calls of one batched HTTP request, carry the first
 * caller's trace context only (the batch is one request's, so one trace).
 */
export function traceSubgraphFetcher(subgraph: string, fetcher: SubgraphFetcher): SubgraphFetcher {
  if (!tracingEnabled()) return fetcher;
  return {
    get stats() {
      return fetcher.stats;
    },
    close: () => fetcher.close(),
    send: (call: SubgraphCall) =>
      withSpan(`subgraph ${subgraph}`, { kind: SpanKind.CLIENT, attributes: { 'plaza.subgraph': subgraph, 'http.request.method': 'POST', 'url.full': call.url.href } }, async (span) => {
        const headers = { ...call.headers };
        injectTraceHeaders(headers);
        const reply = await fetcher.send({ ...call, headers });
        span?.setAttribute('http.response.status_code', reply.status);
        return reply;
      }),
  };
}
