import type { Logger } from 'pino';
import type { Handler, PubSub, Unsubscribe } from './pubsub';
import { assertTopic, decodePayload, type TopicMap, type TopicName } from './topics';

export interface MemoryPubSubOptions {
  /** Where a handler's error or a malformed payload is reported. Default: silent. */
  log?: Logger;
}

/**
 * The in-process bus for the one-process embedded mode (no REDIS_URL). It behaves like the Redis
 * bus as far as handlers can tell: payloads go through JSON and the same shape check, and arrive
 * asynchronously, in publish order.
 */
export class MemoryPubSub implements PubSub {
  private readonly handlers = new Map<TopicName, Set<Handler<unknown>>>();
  private closed = false;

  constructor(private readonly options: MemoryPubSubOptions = {}) {}

  async publish<K extends TopicName>(topic: K, payload: TopicMap[K]): Promise<void> {
    if (this.closed) throw new Error('MemoryPubSub is closed');
    decodePayload(topic, payload); // a malformed payload fails at the publisher, as with Redis
    const json = JSON.stringify(payload);
    const targets = this.handlers.get(topic);
    if (!targets?.size) return;
    // Decoded once per message, like the Redis bus, so handlers share one value.
    const decoded = decodePayload(topic, JSON.parse(json));
    const list = [...targets];
    setImmediate(() => {
      for (const h of list) {
        if (!targets.has(h)) continue;
        try {
          h(decoded);
        } catch (e) {
          this.options.log?.error({ err: e, topic }, 'pubsub handler failed');
        }
      }
    });
  }

  async subscribe<K extends TopicName>(topic: K, handler: Handler<TopicMap[K]>): Promise<Unsubscribe> {
    if (this.closed) throw new Error('MemoryPubSub is closed');
    assertTopic(topic);
    // A distinct wrapper per call, so subscribing the same function twice gives two subscriptions.
    const h: Handler<unknown> = (p) => handler(p as TopicMap[K]);
    let set = this.handlers.get(topic);
    if (!set) this.handlers.set(topic, (set = new Set()));
    set.add(h);
    return async () => {
      set!.delete(h);
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.handlers.clear();
  }
}
