import type { Fetcher } from '@apollo/utils.fetcher';
import { injectTraceHeaders, SpanKind, tracingEnabled, withSpan } from '@plaza/shared';

/**
 * A client span around each subgraph call, whose W3C `traceparent` travels with the signed
 * identity headers so the subgraph's request (and its SQL) continue the client's trace. Kept
 * apart from subgraph-fetcher.ts on purpose: it wraps whatever fetcher the gateway uses, and with
 * tracing off it returns that fetcher itself (not even a wrapper call per request). A read shared
 * with an identical one in flight carries the first caller's trace context only.
 */
export function traceSubgraphFetcher(subgraph: string, fetcher: Fetcher): Fetcher {
  if (!tracingEnabled()) return fetcher;
  return ((url: string, init?: RequestInit) =>
    withSpan(`subgraph ${subgraph}`, { kind: SpanKind.CLIENT, attributes: { 'plaza.subgraph': subgraph, 'http.request.method': init?.method ?? 'POST', 'url.full': url } }, async (span) => {
      const raw = init?.headers;
      const headers: Record<string, string> = {};
      if (raw instanceof Headers) raw.forEach((v, k) => (headers[k] = v));
      else Object.assign(headers, raw);
      injectTraceHeaders(headers);
      const res = await (fetcher as unknown as (u: string, i: RequestInit) => Promise<Response>)(url, { ...init, headers });
      span?.setAttribute('http.response.status_code', res.status);
      return res;
    })) as unknown as Fetcher;
}
