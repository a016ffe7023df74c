import 'reflect-metadata';
import { createTestDatabase, TEST_GATEWAY_SECRET, TEST_JWT_SECRET, type GraphQLResponse, type TestDatabase } from '@plaza/shared/testing';
import { MemoryPubSub, RedisPubSub, signToken, type PubSub, type Role } from '@plaza/shared';
import { startSubgraphsInProcess, type InProcessSubgraphs } from '@plaza/shared/stack';
import { createGatewayServer, supergraphSubgraphs, type GatewayApp, type GatewaySubscriptionOptions } from '../src/server';
import { readSupergraph } from '../src/gateway';
import { SUBGRAPHS, type SubgraphName } from '../src/env';

/**
 * The whole federated system in this process, for end-to-end tests: every subgraph the committed
 * supergraph names, started through its exported `main(env)` (@plaza/shared/stack, as `npm start`
 * does) on a free port against one fresh database, and the gateway pointed at them. Reuse it: `const stack = await startStack()`.
 */

/**
 * Counts every SQL statement any service of this process sends, at the driver: the services
 * are started through `main`, so their data sources are not ours to hand a StatementCounter.
 */
export class DriverStatementCounter {
  count = 0;
  readonly recent: string[] = [];
  private readonly original: (...args: any[]) => any;
  private readonly proto: { query: (...args: any[]) => any };

  constructor() {
    // The pg the services use (hoisted, one copy in the workspace).
    const pg = require(require.resolve('pg', { paths: [require.resolve('@plaza/shared')] })) as { Client: { prototype: any } };
    this.proto = pg.Client.prototype;
    this.original = this.proto.query;
    const self = this;
    this.proto.query = function (this: unknown, ...args: any[]) {
      const q = args[0];
      const text = typeof q === 'string' ? q : (q?.text as string | undefined);
      if (text) {
        self.count++;
        if (self.recent.length >= 200) self.recent.shift();
        self.recent.push(text);
      }
      return self.original.apply(this, args);
    };
  }

  reset() {
    this.count = 0;
    this.recent.length = 0;
  }

  restore() {
    this.proto.query = this.original;
  }
}

export interface StackOptions {
  /** Which subgraphs to start; default every one the committed supergraph names. */
  only?: SubgraphName[];
  /** Handed to each service as REDIS_URL; default unset (the services' in-process choice). */
  redisUrl?: string;
  /** Extra environment for the services, e.g. `{ OVERDUE_SWEEP_MS: '1000' }`. */
  env?: Record<string, string>;
  /**
   * Live updates: 'memory' shares one in-process bus between the services and the gateway (as
   * `npm start` does); 'redis' gives each its own Redis bus on `redisUrl` (PLAZA_CHANNEL_PREFIX
   * from `env`). Unset: the gateway has no subscriptions.
   */
  bus?: 'memory' | 'redis';
  /** Subscription options for the gateway(s), e.g. a small bufferLimit. */
  subscriptions?: Omit<GatewaySubscriptionOptions, 'pubsub'>;
}

export interface Stack {
  /** The gateway's GraphQL endpoint. */
  url: string;
  /** The gateway's origin, for /health and /ready. */
  origin: string;
  gateway: GatewayApp;
  /** Subgraph name -> its own GraphQL URL (for calls that skip the gateway). */
  subgraphs: Partial<Record<SubgraphName, string>>;
  db: TestDatabase;
  counter: DriverStatementCounter;
  /** The gateway's ws:// URL for graphql-ws. */
  wsUrl: string;
  /** Another gateway against the same subgraphs (and bus kind), e.g. to test two gateways. */
  startGateway(): Promise<{ app: GatewayApp; url: string; wsUrl: string; close(): Promise<void> }>;
  /** A signed JWT as a client would send it. */
  token(sub: string, roles: Role[], communities?: string[], ttlSeconds?: number): Promise<string>;
  /** POSTs an operation to the gateway; `token` goes as `Authorization: Bearer`. */
  request<T = any>(query: string, variables?: Record<string, unknown>, token?: string): Promise<GraphQLResponse<T> & { status: number }>;
  /** Shortcut: request as a fresh user with these roles. */
  as(roles: Role[], communities?: string[]): Promise<string>;
  stop(): Promise<void>;
}

export async function startStack(o: StackOptions = {}): Promise<Stack> {
  const db = await createTestDatabase('gateway');
  const counter = new DriverStatementCounter();
  let started: InProcessSubgraphs | null = null;
  const memoryBus = o.bus === 'memory' ? new MemoryPubSub() : null;
  const buses: PubSub[] = [];
  // One bus per gateway: Redis as separate processes would have it, or the shared in-process one.
  const gatewayBus = (): PubSub | null => {
    if (o.bus === 'memory') return memoryBus;
    if (o.bus !== 'redis') return null;
    if (!o.redisUrl) throw new Error("startStack({ bus: 'redis' }) needs redisUrl");
    const b = new RedisPubSub({ url: o.redisUrl, prefix: o.env?.PLAZA_CHANNEL_PREFIX ?? 'plaza' });
    buses.push(b);
    return b;
  };
  const closeBuses = async () => {
    for (const b of buses.splice(0)) await b.close().catch(() => {});
    await memoryBus?.close();
  };
  try {
    const composed = supergraphSubgraphs(readSupergraph());
    const names = SUBGRAPHS.filter((name) => name in composed && (!o.only || o.only.includes(name)));
    started = await startSubgraphsInProcess({
      names,
      env: {
        NODE_ENV: 'test',
        LOG_LEVEL: 'silent',
        DATABASE_URL: db.url,
        REDIS_URL: o.bus === 'memory' ? undefined : o.redisUrl,
        GATEWAY_SECRET: TEST_GATEWAY_SECRET,
        JWT_SECRET: TEST_JWT_SECRET,
        HOST: '127.0.0.1',
        ...o.env,
      },
      pubsub: memoryBus ?? undefined,
    });
    const subgraphs = started.urls;
    const closeSubgraphs = started.close;
    const newGateway = () =>
      createGatewayServer({
        subgraphUrls: subgraphs as Record<string, string>,
        jwtSecret: TEST_JWT_SECRET,
        gatewaySecret: TEST_GATEWAY_SECRET,
        ...(o.bus ? { subscriptions: { ...o.subscriptions, pubsub: gatewayBus() } } : {}),
      });
    const gateway = await newGateway();
    const port = await gateway.listen(0);
    const origin = `http://127.0.0.1:${port}`;
    const url = `${origin}/graphql`;
    const extra: GatewayApp[] = [];
    let users = 0;
    const token = (sub: string, roles: Role[], communities: string[] = [], ttlSeconds?: number) => signToken({ sub, roles, communities, ttlSeconds }, TEST_JWT_SECRET);
    return {
      url,
      wsUrl: `ws://127.0.0.1:${port}/graphql`,
      origin,
      gateway,
      async startGateway() {
        const app = await newGateway();
        extra.push(app);
        const p = await app.listen(0);
        return { app, url: `http://127.0.0.1:${p}/graphql`, wsUrl: `ws://127.0.0.1:${p}/graphql`, close: () => app.close() };
      },
      subgraphs,
      db,
      counter,
      token,
      as: (roles, communities = []) => token(`user-${++users}`, roles, communities),
      async request(query, variables = {}, tok) {
        const res = await fetch(url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(tok ? { authorization: `Bearer ${tok}` } : {}) },
          body: JSON.stringify({ query, variables }),
        });
        return { ...((await res.json()) as GraphQLResponse), status: res.status };
      },
      async stop() {
        for (const g of extra) await g.close().catch(() => {});
        await gateway.close();
        await closeSubgraphs();
        await closeBuses();
        counter.restore();
        await db.drop();
      },
    };
  } catch (e) {
    await started?.close().catch(() => {});
    await closeBuses();
    counter.restore();
    await db.drop().catch(() => {});
    throw e;
  }
}
