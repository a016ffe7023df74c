import { Client } from 'pg';
import type { Logger } from 'pino';
import type { PubSub } from './pubsub/pubsub';
import { busFromEnv } from './pubsub/bus.factory';
import { contextFromTraceparent, currentTraceparent, SpanKind, tracingEnabled, withSpan } from './tracing';
import type { DataSource, EntitySubscriberInterface } from 'typeorm';
import type { TopicMap, TopicName } from './pubsub/topics';
import type { EventRow } from './pubsub/event.contract';

export type { EventRow };

export interface OutboxRelayOptions<K extends TopicName> {
  /** Postgres connection string; the relay keeps one dedicated connection (it holds the lock). */
  url: string;
  /** The service's schema, e.g. `issues`; the offset lives in `<schema>.relay_offset`. */
  schema: string;
  /** The event table inside `schema`, with a `seq bigserial` primary key, e.g. `issue_event`. */
  table: string;
  topic: K;
  /** A committed row -> the topic's payload (its `seq` and `cursor` included): the owning service's mapper, e.g. topicRowMapper(topic). */
  toPayload: (row: EventRow) => TopicMap[K];
  pubsub: PubSub;
  /**
   * A second table of the same schema whose `seq` is drawn from the first table's sequence, under
   * the same writers' lock, published to its own topic in the one seq order: a consumer of both
   * topics sees them as they committed (issue 14: a follow before the events after it). Both are
   * read in one snapshot. Default none.
   */
  alongside?: AlongsideTable;
  /** Offset row key and advisory-lock name. Default `${schema}.${table}->${topic}`. */
  name?: string;
  /** Poll interval, ms. Default 100. */
  pollMs?: number;
  /** Rows read and published per round. Default 500. */
  batchSize?: number;
  /** Back-off after a failure starts at pollMs and doubles up to this, ms. Default 5000. */
  maxBackoffMs?: number;
  /** How often a standby replica retries for the lock, ms. Default 1000. */
  standbyMs?: number;
  log?: Logger;
}

/** A table published beside the relay's own (see OutboxRelayOptions.alongside). */
export type AlongsideTable = { [T in TopicName]: { table: string; topic: T; toPayload: (row: EventRow) => TopicMap[T] } }[TopicName];

const IDENT = /^[a-z_][a-z0-9_]*$/;

/** Marks a row read from the `alongside` table. */
const ALONGSIDE = Symbol('alongside');

/** DDL for the offset table; the relay creates it when missing, a migration may too. */
export const relayOffsetDdl = (schema: string) => `CREATE TABLE IF NOT EXISTS "${schema}".relay_offset (name text PRIMARY KEY, seq bigint NOT NULL)`;

/**
 * Publishes the committed rows of a service's event table to the bus, in seq order, at least
 * once. Writers insert events in the same transaction as the change (after
 * pg_advisory_xact_lock, so seq order is commit order), so nothing is published that did not
 * commit, and a mutation never waits for Redis. The offset is stored only after the bus accepted
 * the messages: when Redis is down the relay keeps retrying with back-off and the events go out
 * when it returns. One relay per name is active across replicas (session advisory lock); the
 * others stand by and take over when its connection goes.
 */
export class OutboxRelay<K extends TopicName> {
  private client: Client | null = null;
  private leader = false;
  private offset = 0;
  private running = false;
  private loop: Promise<void> | null = null;
  private wake: (() => void) | null = null;
  private poked = false;
  private failures = 0;
  readonly name: string;
  /** Messages the bus accepted since start (re-publishes after a restart included). */
  published = 0;

  constructor(private readonly o: OutboxRelayOptions<K>) {
    for (const [what, v] of [
      ['schema', o.schema],
      ['table', o.table],
      ['alongside.table', o.alongside?.table ?? o.table],
    ] as const) {
      if (!IDENT.test(v)) throw new Error(`OutboxRelay ${what} must be a plain lower-case identifier, got ${JSON.stringify(v)}`);
    }
    this.name = o.name ?? `${o.schema}.${o.table}->${o.topic}`;
  }

  /** Starts polling in the background; resolves at once. */
  start(): this {
    if (this.running) return this;
    this.running = true;
    this.loop = this.run();
    return this;
  }

  /** Publish now instead of at the next poll, e.g. right after a commit. */
  poke(): void {
    this.poked = true;
    this.wake?.();
  }

  /** True while this replica holds the lock and publishes. */
  get isLeader() {
    return this.leader;
  }

  /** The last seq the bus accepted (and that is, or is about to be, stored). */
  get position() {
    return this.offset;
  }

  async stop(): Promise<void> {
    this.running = false;
    this.wake?.();
    await this.loop;
    await this.disconnect();
  }

  private async run() {
    while (this.running) {
      let wait = this.o.pollMs ?? 100;
      try {
        const more = await this.round();
        this.failures = 0;
        if (more) continue;
        if (!this.leader) wait = this.o.standbyMs ?? 1000;
      } catch (e) {
        this.failures++;
        wait = Math.min((this.o.pollMs ?? 100) * 2 ** this.failures, this.o.maxBackoffMs ?? 5000);
        const busDown = e instanceof PublishError;
        this.o.log?.warn({ err: (e as Error).message, relay: this.name, retryInMs: wait }, busDown ? 'relay cannot publish' : 'relay round failed');
        // A database error may have broken the session: start over (which gives the lock up).
        if (!busDown) await this.disconnect();
      }
      await this.sleep(wait);
    }
  }

  /** One round; true when a full batch went out and more may be waiting. */
  private async round(): Promise<boolean> {
    const client = await this.connect();
    if (!this.leader) {
      const { rows } = await client.query('SELECT pg_try_advisory_lock(hashtext($1)) AS ok', [`plaza-relay:${this.name}`]);
      if (!rows[0]?.ok) return false;
      this.leader = true;
      await client.query(relayOffsetDdl(this.o.schema));
      const r = await client.query(`SELECT seq FROM "${this.o.schema}".relay_offset WHERE name = $1`, [this.name]);
      this.offset = r.rows.length ? Number(r.rows[0].seq) : 0;
      this.o.log?.info({ relay: this.name, offset: this.offset }, 'relay active');
    }
    const limit = this.o.batchSize ?? 500;
    const rows = await this.read(client, limit);
    if (!rows.length) return false;
    // Sent back to back on one connection, so Redis receives them in seq order; the offset
    // advances over the unbroken prefix the bus accepted.
    const results = await Promise.allSettled(rows.map((row) => this.publish(row)));
    let last = this.offset;
    let failure: unknown = null;
    for (let i = 0; i < rows.length; i++) {
      const r = results[i]!;
      if (r.status === 'rejected') {
        failure = r.reason;
        break;
      }
      last = Number(rows[i]!.seq);
      this.published++;
    }
    if (last > this.offset) {
      await client.query(
        `INSERT INTO "${this.o.schema}".relay_offset (name, seq) VALUES ($1, $2)
         ON CONFLICT (name) DO UPDATE SET seq = EXCLUDED.seq`,
        [this.name, last],
      );
      this.offset = last;
    }
    if (failure) throw new PublishError(failure);
    return rows.length === limit;
  }

  /** The next rows after the offset, in seq order, from the table and the one alongside. */
  private async read(client: Client, limit: number): Promise<EventRow[]> {
    const select = (table: string) => client.query<EventRow>(`SELECT * FROM "${this.o.schema}"."${table}" WHERE seq > $1 ORDER BY seq LIMIT $2`, [this.offset, limit]);
    const side = this.o.alongside;
    if (!side) return (await select(this.o.table)).rows;
    // One snapshot for both: read one after the other, a row committed in between in the first
    // table could be skipped by an offset that moved past it on the second's rows.
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
    const main = (await select(this.o.table)).rows;
    const other = (await select(side.table)).rows.map((r) => Object.assign(r, { [ALONGSIDE]: true }));
    await client.query('COMMIT');
    return [...main, ...other].sort((a, b) => Number(a.seq) - Number(b.seq)).slice(0, limit);
  }

  /**
   * With tracing on, each event is published inside a span continuing the trace stored with its
   * row (the mutation's), and the message carries that span's traceparent on to the gateway.
   */
  private publish(row: EventRow): Promise<void> {
    const side = this.o.alongside;
    const [topic, payload] = side && (row as Record<symbol, unknown>)[ALONGSIDE] ? [side.topic, side.toPayload(row) as never] : [this.o.topic, this.o.toPayload(row)];
    if (!tracingEnabled()) return this.o.pubsub.publish(topic, payload);
    const parent = contextFromTraceparent(typeof row.traceparent === 'string' ? row.traceparent : null);
    return withSpan(
      `${String(topic)} publish`,
      { kind: SpanKind.PRODUCER, parent, attributes: { 'messaging.system': 'plaza-bus', 'messaging.destination.name': String(topic), 'plaza.event.seq': Number(row.seq), 'plaza.relay': this.name } },
      () => this.o.pubsub.publish(topic, { ...payload, traceparent: currentTraceparent() ?? undefined }),
    );
  }

  private async connect(): Promise<Client> {
    if (this.client) return this.client;
    const client = new Client({ connectionString: this.o.url, application_name: `plaza-relay-${this.o.schema}` });
    client.on('error', (err) => {
      this.o.log?.warn({ err: err.message, relay: this.name }, 'relay connection lost');
      if (this.client === client) {
        this.client = null;
        this.leader = false;
      }
    });
    await client.connect();
    this.client = client;
    return client;
  }

  private async disconnect() {
    const c = this.client;
    this.client = null;
    this.leader = false;
    // Ending the session releases the advisory lock for a standby replica.
    await c?.end().catch(() => undefined);
  }

  private sleep(ms: number) {
    if (this.poked || !this.running) {
      this.poked = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(t);
        this.wake = null;
        this.poked = false;
        resolve();
      };
      const t = setTimeout(done, ms);
      this.wake = done;
    });
  }
}

/** The bus refused a message; the offset stays where the bus last accepted one. */
class PublishError extends Error {
  constructor(readonly reason: unknown) {
    super(`publish failed: ${(reason as Error)?.message ?? String(reason)}`);
    this.name = 'PublishError';
  }
}

export interface EventRelayOptions<K extends TopicName> {
  dataSource: DataSource;
  databaseUrl: string;
  schema: string;
  table: string;
  topic: K;
  toPayload: OutboxRelayOptions<K>['toPayload'];
  /** See OutboxRelayOptions.alongside. */
  alongside?: AlongsideTable;
  /** Offset key; see OutboxRelayOptions.name. */
  name?: string;
  /** The bus handed in (one-process start); else a Redis Cluster or Redis when configured; else no relay. */
  pubsub?: PubSub;
  redisUrl?: string;
  /** A Redis Cluster (`host:port,…`); wins over redisUrl. */
  redisClusterNodes?: string;
  channelPrefix: string;
  log: Logger;
}

/**
 * A service's relay from its event table to the bus, poked after every commit (low latency for
 * live updates) instead of waiting for the next poll. Returns null when there is no bus:
 * mutations still write the log, nothing is published.
 */
export function startEventRelay<K extends TopicName>(o: EventRelayOptions<K>): { relay: OutboxRelay<K>; bus: PubSub; stop(): Promise<void> } | null {
  const ownBus = o.pubsub ? null : busFromEnv({ REDIS_URL: o.redisUrl, REDIS_CLUSTER_NODES: o.redisClusterNodes, PLAZA_CHANNEL_PREFIX: o.channelPrefix }, o.log);
  const pubsub = o.pubsub ?? ownBus;
  if (!pubsub) return null;
  const relay = new OutboxRelay({ url: o.databaseUrl, schema: o.schema, table: o.table, topic: o.topic, toPayload: o.toPayload, alongside: o.alongside, name: o.name, pubsub, log: o.log }).start();
  const poke: EntitySubscriberInterface = { afterTransactionCommit: () => relay.poke() };
  o.dataSource.subscribers.push(poke);
  return {
    relay,
    bus: pubsub,
    async stop() {
      const i = o.dataSource.subscribers.indexOf(poke);
      if (i >= 0) o.dataSource.subscribers.splice(i, 1);
      await relay.stop();
      await ownBus?.close();
    },
  };
}
