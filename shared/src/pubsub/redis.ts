import Redis, { type RedisOptions } from 'ioredis';
import type { Logger } from 'pino';
import type { Handler, PubSub, SubscribeOptions, Unsubscribe } from './pubsub';
import { readyWithin, redisRetryStrategy as retryStrategy } from './redis-ready';
import { assertTopic, decodePayload, type TopicMap, type TopicName } from './topics';
import { deliverMessage } from './channel.delivery';

export interface RedisPubSubOptions {
  /** redis://host:port/db */
  url: string;
  /**
   * Required channel prefix (`${prefix}:${topic}`), so several deployments or test runs can share
   * one Redis without hearing each other.
   */
  prefix: string;
  /** How long `publish` waits for a (re)connection before rejecting. Default 1000 ms. */
  publishTimeoutMs?: number;
  log?: Logger;
  /** Extra ioredis options for both connections. */
  redis?: RedisOptions;
}

interface Channel {
  topic: TopicName;
  handlers: Set<{ handler: Handler<unknown>; options: SubscribeOptions }>;
}

// Reconnect forever with a capped back-off: the bus must come back by itself after Redis does.

/**
 * Redis pub/sub with two connections, since a connection in subscriber mode cannot publish.
 * Channels are reference-counted per process: the Redis SUBSCRIBE is issued for the first local
 * subscriber and UNSUBSCRIBE only after the last one left, so one subscriber leaving never
 * silences the others.
 */
export class RedisPubSub implements PubSub {
  private readonly pub: Redis;
  private readonly sub: Redis;
  private readonly channels = new Map<string, Channel>();
  /** Channels Redis currently has us subscribed to (as far as our commands went). */
  private readonly active = new Set<string>();
  // SUBSCRIBE/UNSUBSCRIBE run one after another, so a quick leave-and-join cannot reorder them.
  private queue: Promise<unknown> = Promise.resolve();
  private lostConnection = false;
  private closed = false;

  constructor(private readonly options: RedisPubSubOptions) {
    if (!options.prefix || /\s/.test(options.prefix)) {
      throw new Error(`RedisPubSub needs a channel prefix without spaces, got ${JSON.stringify(options.prefix)}`);
    }
    // disconnectTimeout: ioredis otherwise keeps a 2 s timer for a socket that is already gone.
    const common: RedisOptions = { retryStrategy, disconnectTimeout: 200, ...options.redis };
    // Publishing must fail fast when Redis is down so the relay keeps its offset and retries.
    this.pub = new Redis(options.url, { ...common, enableOfflineQueue: false, maxRetriesPerRequest: 0, connectionName: `${options.prefix}:pub` });
    // Subscriptions wait for Redis instead: ioredis re-subscribes every channel after a reconnect.
    this.sub = new Redis(options.url, { ...common, maxRetriesPerRequest: null, connectionName: `${options.prefix}:sub` });
    for (const [name, c] of [
      ['pub', this.pub],
      ['sub', this.sub],
    ] as const) {
      c.on('error', (err) => options.log?.warn({ err: err.message, connection: name }, 'redis pubsub connection error'));
    }
    this.sub.on('close', () => {
      if (!this.closed) this.lostConnection = true;
    });
    this.sub.on('ready', () => {
      if (!this.lostConnection) return;
      this.lostConnection = false;
      // Whatever was published while we were away is lost to pub/sub; let consumers catch up.
      for (const ch of this.channels.values()) {
        for (const { options: o } of ch.handlers) {
          try {
            o.onReconnect?.();
          } catch (e) {
            options.log?.error({ err: e }, 'onReconnect failed');
          }
        }
      }
    });
    this.sub.on('message', (channel: string, message: string) => this.receive(channel, message));
  }

  /** Each connection's ioredis status (`ready`, `reconnecting`, …), for metrics. */
  get connectionStates(): Record<string, string> {
    return { pub: this.pub.status, sub: this.sub.status };
  }

  private channelOf(topic: TopicName) {
    return `${this.options.prefix}:${topic}`;
  }

  async publish<K extends TopicName>(topic: K, payload: TopicMap[K]): Promise<void> {
    if (this.closed) throw new Error('RedisPubSub is closed');
    decodePayload(topic, payload);
    if (this.pub.status !== 'ready') await readyWithin(this.pub, this.options.publishTimeoutMs ?? 1000, 'publish');
    await this.pub.publish(this.channelOf(topic), JSON.stringify(payload));
  }

  async subscribe<K extends TopicName>(topic: K, handler: Handler<TopicMap[K]>, options: SubscribeOptions = {}): Promise<Unsubscribe> {
    if (this.closed) throw new Error('RedisPubSub is closed');
    assertTopic(topic);
    const name = this.channelOf(topic);
    let ch = this.channels.get(name);
    if (!ch) this.channels.set(name, (ch = { topic, handlers: new Set() }));
    const entry = { handler: handler as Handler<unknown>, options };
    ch.handlers.add(entry);
    await this.sync(name);
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      ch!.handlers.delete(entry);
      if (!ch!.handlers.size && this.channels.get(name) === ch) this.channels.delete(name);
      if (!this.closed) await this.sync(name);
    };
  }

  /** Brings Redis' subscription of `name` in line with whether anyone here still listens. */
  private sync(name: string): Promise<void> {
    const step = this.queue.then(async () => {
      if (this.closed) return;
      const wanted = (this.channels.get(name)?.handlers.size ?? 0) > 0;
      if (wanted && !this.active.has(name)) {
        // A SUBSCRIBE issued while ioredis is still in its ready check can resolve without
        // taking effect (seen here: PUBSUB NUMSUB 0); issue it only on a ready connection.
        if (this.sub.status !== 'ready') {
          await new Promise<void>((resolve) => {
            const done = () => (this.sub.off('ready', done), this.sub.off('end', done), resolve());
            this.sub.once('ready', done);
            this.sub.once('end', done);
          });
          if (this.closed) return;
        }
        await this.sub.subscribe(name);
        this.active.add(name);
      } else if (!wanted && this.active.has(name)) {
        this.active.delete(name);
        await this.sub.unsubscribe(name);
      }
    });
    this.queue = step.catch(() => undefined);
    return step;
  }

  private receive(channel: string, message: string) {
    deliverMessage(this.channels.get(channel), channel, message, this.options.log);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.channels.clear();
    await this.queue;
    await Promise.all(
      [this.pub, this.sub].map(async (c) => {
        // A connection caught between retries would otherwise schedule one more attempt.
        c.options.retryStrategy = () => null;
        if (c.status === 'ready') await c.quit().catch(() => c.disconnect());
        else c.disconnect();
      }),
    );
  }
}
