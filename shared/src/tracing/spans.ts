import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span } from '@opentelemetry/api';

/**
 * Spans at the few points that matter (requests, subgraph calls, SQL, outbox, relay, hydration,
 * delivery), written against @opentelemetry/api only. Until startTracing() turned tracing on,
 * every helper here checks one boolean and calls straight through: the SDK is never loaded and no
 * span, context or header is made, so tracing off costs a branch per hook.
 */

let on = false;

/** True once startTracing() registered an exporting provider in this process. */
export const tracingEnabled = (): boolean => on;

/** Set by startTracing()/its shutdown only. */
export function setTracingEnabled(value: boolean): void {
  on = value;
}

const tracer = () => trace.getTracer('plaza');

export { SpanKind };

export interface SpanOptions {
  kind?: SpanKind;
  attributes?: Attributes;
  /** The parent; default the active context. */
  parent?: Context;
}

/**
 * Runs `fn` inside a new active span (ended when `fn` settles, its error recorded). With tracing
 * off it is `fn()`.
 */
export function withSpan<T>(name: string, options: SpanOptions, fn: (span: Span | undefined) => T): T {
  if (!on) return fn(undefined);
  const span = tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, options.parent ?? context.active());
  const end = (err?: unknown) => {
    if (err !== undefined) {
      span.recordException(err as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message ?? String(err) });
    }
    span.end();
  };
  let result: T;
  try {
    result = context.with(trace.setSpan(options.parent ?? context.active(), span), fn, undefined, span);
  } catch (e) {
    end(e);
    throw e;
  }
  if (result && typeof (result as { then?: unknown }).then === 'function') {
    (result as unknown as Promise<unknown>).then(() => end(), end);
  } else end();
  return result;
}

/**
 * The active context, for work that runs later outside it (a subscription group hands out
 * several events in one go, each of which belongs to its own trace); undefined with tracing off.
 */
export function captureContext(): Context | undefined {
  return on ? context.active() : undefined;
}

/** A span that is not made active (SQL: nothing runs inside it); undefined with tracing off. */
export function startSpan(name: string, options: SpanOptions = {}): Span | undefined {
  if (!on) return undefined;
  return tracer().startSpan(name, { kind: options.kind ?? SpanKind.INTERNAL, attributes: options.attributes }, options.parent ?? context.active());
}

/** Ends a span from startSpan, marking it failed when `err` is given. */
export function endSpan(span: Span | undefined, err?: unknown): void {
  if (!span) return;
  if (err !== undefined && err !== null) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: (err as Error)?.message ?? String(err) });
  }
  span.end();
}

/** The active span's W3C `traceparent` (to store in an outbox row or a message); null when off or none. */
export function currentTraceparent(): string | null {
  if (!on) return null;
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent ?? null;
}

/** The context a stored or received `traceparent` stands for (ROOT when absent or malformed). */
export function contextFromTraceparent(traceparent: string | null | undefined): Context {
  if (!on || !traceparent) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, { traceparent });
}

/** Adds `traceparent` (and `tracestate`) of the active context to outgoing headers; nothing when off. */
export function injectTraceHeaders(headers: Record<string, string>): void {
  if (on) propagation.inject(context.active(), headers);
}

const NO_HEADERS: Record<string, string> = Object.freeze({}) as Record<string, string>;
/** The active context's `traceparent` as headers to spread into a fetch; `{}` (shared) when off. */
export function traceHeaders(): Record<string, string> {
  if (!on) return NO_HEADERS;
  const headers: Record<string, string> = {};
  propagation.inject(context.active(), headers);
  return headers;
}

/** The context an incoming request's `traceparent` header names (ROOT when none). */
export function contextFromHeaders(headers: Record<string, string | string[] | undefined>): Context {
  if (!on) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers, {
    keys: (h) => Object.keys(h),
    get: (h, k) => h[k],
  });
}

/** Sets attributes on the active span (no-op with tracing off or no span). */
export function annotateActiveSpan(attributes: Attributes): void {
  if (on) trace.getActiveSpan()?.setAttributes(attributes);
}

/** What a log line adds while a span is active: its trace id (pino mixin). */
// A new object each time: pino merges the line's own fields into what the mixin returns.
export function traceLogFields(): { traceId?: string; spanId?: string } {
  if (!on) return {};
  const sc = trace.getActiveSpan()?.spanContext();
  return sc ? { traceId: sc.traceId, spanId: sc.spanId } : {};
}
