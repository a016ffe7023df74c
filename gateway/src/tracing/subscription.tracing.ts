import { contextFromTraceparent, SpanKind, withSpan, type SpanOptions } from '@plaza/shared';

/**
 * The gateway's part of an event's trace: mutation → outbox → relay publish (in the subgraph)
 * → here. Received continues the relay's span from the message's `traceparent`; each group's
 * hydration and delivery run inside it, so the subgraph calls of a hydration join the same trace.
 * With tracing off each is a plain call.
 */
export function traceEventReceived<T>(topic: string, event: { seq: number; traceparent?: string }, fn: () => T): T {
  return withSpan(
    `${topic} receive`,
    { kind: SpanKind.CONSUMER, parent: contextFromTraceparent(event.traceparent), attributes: { 'messaging.system': 'plaza-bus', 'messaging.destination.name': topic, 'plaza.event.seq': event.seq } },
    fn,
  );
}

/** One hydration of one event for one subscription group (its subgraph calls are children). */
export function traceHydration<T>(seq: number, subscribers: number, fn: () => Promise<T>): Promise<T> {
  return withSpan('subscription hydrate', { attributes: { 'plaza.event.seq': seq, 'plaza.subscribers': subscribers } }, fn);
}

/**
 * Writing one rendered event to a group's subscribers (one span per group, not per socket), in
 * `parent` — the event's context captured when it was received (captureContext), since events
 * handed out together run in whichever one's callback came last — else the active one.
 */
export function traceDelivery<T>(seq: number, subscribers: number, fn: () => T, parent?: SpanOptions['parent']): T {
  return withSpan('subscription deliver', { parent, attributes: { 'plaza.event.seq': seq, 'plaza.subscribers': subscribers } }, fn);
}
