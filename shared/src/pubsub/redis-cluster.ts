import Redis, { Cluster, type ClusterNode } from 'ioredis';
import type { Logger } from 'pino';
import type { Handler, PubSub, SubscribeOptions, Unsubscribe } from './pubsub';
import { redisRetryStrategy } from './redis-ready';
import { assertTopic, decodePayload, type TopicMap, type TopicName } from './topics';
import { deliverMessage } from './channel.delivery';

// cluster-key-slot ships with ioredis (its own dependency): the slot a channel hashes to.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const calculateSlot: (key: string) => number = require('cluster-key-slot');

/** `host:port,host:port` (REDIS_CLUSTER_NODES) -> ioredis' seed list. */
export function parseClusterNodes(list: string): ClusterNode[] {
  const nodes = list
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean)
    .map((s) => {
      const m = /^(\[[^\]]+\]|[^:]+):(\d{1,5})$/.exec(s);
      if (!m) throw new Error(`REDIS_CLUSTER_NODES: expected host:port, got ${JSON.stringify(s)}`);
      return { host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]) };
    });
  if (!nodes.length) throw new Error('REDIS_CLUSTER_NODES: no node given');
  return nodes;
}

/** One Cluster client for commands, with the back-off and fail-fast settings every caller of ours wants. */
export function createClusterClient(nodes: ClusterNode[], name: string): Cluster {
  return new Cluster(nodes, {
    clusterRetryStrategy: redisRetryStrategy,
    // A failover shows as refused connections for about the node timeout: keep retrying the slot map.
    retryDelayOnFailover: 100,
    retryDelayOnClusterDown: 100,
    slotsRefreshTimeout: 1000,
    redisOptions: { connectionName: name, disconnectTimeout: 200, maxRetriesPerRequest: 1 },
  });
}

export interface RedisClusterPubSubOptions {
  /** Seed nodes; the rest of the cluster is discovered. */
  nodes: ClusterNode[];
  /** Required channel prefix (`${prefix}:${topic}`), as for RedisPubSub. */
  prefix: string;
  /** How long `publish` waits for the cluster (a failover included) before rejecting. Default 1000 ms. */
  publishTimeoutMs?: number;
  log?: Logger;
}

interface Channel {
  topic: TopicName;
  handlers: Set<{ handler: Handler<unknown>; options: SubscribeOptions }>;
  /** The connection to the slot's master holding our SSUBSCRIBE, while there is one. */
  link: Redis | null;
  /** Set once the link has been lost: the next link calls onReconnect. */
  lost: boolean;
  /** A (re)subscription in progress. */
  linking: Promise<void> | null;
}

/**
 * The bus over a Redis Cluster with sharded pub/sub (Redis 7: SPUBLISH/SSUBSCRIBE), so a
 * message travels only within its channel's shard instead of over the whole cluster bus.
 * Publishing goes through ioredis' Cluster client (SPUBLISH is routed by the channel's slot);
 * each channel listened to here holds one plain connection to its slot's master with the
 * SSUBSCRIBE. When that link goes (the master died, the slot moved) it is re-made on whatever
 * node owns the slot now — found by refreshing the slot map until a replica has been promoted —
 * and the channel's `onReconnect` runs, so consumers replay what they missed from the durable log.
 * Same interface and semantics as RedisPubSub (shared/test/pubsub.int.test.ts runs one suite over both).
 */
export class RedisClusterPubSub implements PubSub {
  private readonly cluster: Cluster;
  private readonly channels = new Map<string, Channel>();
  private closed = false;

  constructor(private readonly options: RedisClusterPubSubOptions) {
    if (!options.prefix || /\s/.test(options.prefix)) {
      throw new Error(`RedisClusterPubSub needs a channel prefix without spaces, got ${JSON.stringify(options.prefix)}`);
    }
    this.cluster = createClusterClient(options.nodes, `${options.prefix}:pub`);
    this.cluster.on('error', (err) => options.log?.warn({ err: err.message }, 'redis cluster connection error'));
  }

  private channelOf(topic: TopicName) {
    return `${this.options.prefix}:${topic}`;
  }

  async publish<K extends TopicName>(topic: K, payload: TopicMap[K]): Promise<void> {
    if (this.closed) throw new Error('RedisClusterPubSub is closed');
    decodePayload(topic, payload);
    const ms = this.options.publishTimeoutMs ?? 1000;
    let timer: NodeJS.Timeout | undefined;
    try {
      await Promise.race([
        this.cluster.spublish(this.channelOf(topic), JSON.stringify(payload)),
        new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`redis cluster did not take the message within ${ms} ms`)), ms))),
      ]);
    } finally {
      clearTimeout(timer);
    }
  }

  async subscribe<K extends TopicName>(topic: K, handler: Handler<TopicMap[K]>, options: SubscribeOptions = {}): Promise<Unsubscribe> {
    if (this.closed) throw new Error('RedisClusterPubSub is closed');
    assertTopic(topic);
    const name = this.channelOf(topic);
    let ch = this.channels.get(name);
    if (!ch) this.channels.set(name, (ch = { topic, handlers: new Set(), link: null, lost: false, linking: null }));
    const entry = { handler: handler as Handler<unknown>, options };
    ch.handlers.add(entry);
    await this.ensureLink(name, ch);
    let done = false;
    return async () => {
      if (done) return;
      done = true;
      ch!.handlers.delete(entry);
      if (ch!.handlers.size || this.channels.get(name) !== ch) return;
      this.channels.delete(name);
      await ch!.linking?.catch(() => undefined);
      const link = ch!.link;
      ch!.link = null;
      link?.disconnect();
    };
  }

  /** Resolves once the channel has a live SSUBSCRIBE (retrying through a failover). */
  private ensureLink(name: string, ch: Channel): Promise<void> {
    if (ch.link) return Promise.resolve();
    ch.linking ??= this.link(name, ch).finally(() => (ch.linking = null));
    return ch.linking;
  }

  private async link(name: string, ch: Channel): Promise<void> {
    const slot = calculateSlot(name);
    for (let attempt = 0; !this.closed && this.channels.get(name) === ch; attempt++) {
      let conn: Redis | null = null;
      try {
        if (attempt > 0) await new Promise<void>((resolve) => this.cluster.refreshSlotsCache(() => resolve()));
        if (this.cluster.status !== 'ready') await this.clusterReady();
        const owner = this.cluster.slots[slot]?.[0];
        if (!owner) throw new Error(`no node owns slot ${slot} yet`);
        const [host, port] = [owner.slice(0, owner.lastIndexOf(':')), Number(owner.slice(owner.lastIndexOf(':') + 1))];
        conn = new Redis({ host, port, retryStrategy: () => null, maxRetriesPerRequest: 0, connectTimeout: 1000, lazyConnect: true, connectionName: `${this.options.prefix}:ssub` });
        conn.on('error', () => undefined); // reported through 'close' below
        conn.on('smessage', (channel: string, message: string) => this.receive(channel, message));
        await conn.connect();
        await conn.ssubscribe(name);
        if (this.closed || this.channels.get(name) !== ch) {
          conn.disconnect();
          return;
        }
        const live = conn;
        ch.link = live;
        live.once('close', () => {
          if (ch.link !== live) return;
          ch.link = null;
          ch.lost = true;
          this.options.log?.warn({ channel: name, node: owner }, 'sharded subscription lost; re-subscribing on the slot owner');
          void this.ensureLink(name, ch).catch(() => undefined);
        });
        if (ch.lost) {
          ch.lost = false;
          // Whatever was published while we were away is lost to pub/sub; let consumers catch up.
          for (const { options: o } of ch.handlers) {
            try {
              o.onReconnect?.();
            } catch (e) {
              this.options.log?.error({ err: e }, 'onReconnect failed');
            }
          }
        }
        return;
      } catch (e) {
        conn?.disconnect();
        ch.lost ||= attempt > 0;
        if (attempt % 10 === 0) this.options.log?.warn({ err: (e as Error).message, channel: name }, 'sharded subscribe failed; retrying');
        await new Promise((r) => setTimeout(r, redisRetryStrategy(attempt + 1)));
      }
    }
  }

  private clusterReady(): Promise<void> {
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => (this.cluster.off('ready', ok), reject(new Error(`redis cluster not ready (${this.cluster.status})`))), 2000);
      const ok = () => (clearTimeout(t), resolve());
      this.cluster.once('ready', ok);
    });
  }

  private receive(channel: string, message: string) {
    deliverMessage(this.channels.get(channel), channel, message, this.options.log);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const channels = [...this.channels.values()];
    this.channels.clear();
    for (const ch of channels) {
      await ch.linking?.catch(() => undefined);
      ch.link?.disconnect();
      ch.link = null;
    }
    await this.cluster.quit().catch(() => this.cluster.disconnect());
  }
}
