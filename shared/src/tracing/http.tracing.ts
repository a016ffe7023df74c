import type { IncomingMessage, ServerResponse } from 'node:http';
import { context, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { contextFromHeaders, tracingEnabled } from './spans';

type Handler = (req: IncomingMessage, res: ServerResponse) => Promise<void>;

const UNTRACED = new Set(['/health', '/ready', '/metrics', '/metrics/subscriptions']);

/**
 * A server span around each HTTP request, continuing the caller's trace when it sent a W3C
 * `traceparent` (the gateway does, to every subgraph). Decided when the server is built: with
 * tracing off the handler is returned as it is.
 */
export function traceRequests(handler: Handler): Handler {
  if (!tracingEnabled()) return handler;
  const tracer = trace.getTracer('plaza');
  return (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!;
    // Probes and scrapes come every few seconds from every kubelet and Prometheus: a trace each
    // would bury the requests' traces (and their SQL, which is traced only inside a span).
    if (req.method === 'GET' && UNTRACED.has(path)) return handler(req, res);
    const span = tracer.startSpan(
      // The path names the span only when short: a span name is a low-cardinality label to backends.
      `${req.method} ${path.length <= 64 ? path : 'other'}`,
      { kind: SpanKind.SERVER, attributes: { 'http.request.method': req.method ?? 'GET', 'url.path': path, 'http.route': path } },
      contextFromHeaders(req.headers),
    );
    const end = () => {
      span.setAttribute('http.response.status_code', res.statusCode);
      if (res.statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    };
    return context
      .with(trace.setSpan(context.active(), span), () => handler(req, res))
      .then(end, (e) => {
        span.recordException(e as Error);
        end();
        throw e;
      });
  };
}

/**
 * A span around one part of a multiplexed request (multiplex.ts), continuing the trace of the
 * call it carries (each part brings its own `traceparent`), so a call's subgraph work joins its
 * own client request's trace, not the envelope's. With tracing off, `fn` runs as it is.
 */
export function tracePart<T>(headers: Record<string, string>, fn: () => Promise<T>): Promise<T> {
  if (!tracingEnabled()) return fn();
  const span = trace.getTracer('plaza').startSpan('multiplexed part', { kind: SpanKind.SERVER }, contextFromHeaders(headers));
  return context.with(trace.setSpan(context.active(), span), fn).finally(() => span.end());
}
