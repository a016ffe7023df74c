import { randomBytes, randomUUID } from 'node:crypto';
import Redis, { Cluster } from 'ioredis';
import { startRedisCluster, type RedisCluster } from '../src/cluster/redis-cluster.launcher';
import { DEFAULT_REDIS_URL } from '../src/env';
import { MemoryPubSub } from '../src/pubsub/memory';
import type { PubSub } from '../src/pubsub/pubsub';
import { RedisPubSub } from '../src/pubsub/redis';
import { parseClusterNodes, RedisClusterPubSub } from '../src/pubsub/redis-cluster';
import { eventCursor, eventSeq, PayloadError, type IssueEventMessage } from '../src/pubsub/topics';
import { collector, issueEvent, settle } from './fixtures';

const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;

// A real 6-node Redis Cluster (3 masters, 3 replicas) from Debian's redis-server, for this file.
let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(() => cluster?.stop());

const implementations: [string, () => PubSub][] = [
  ['memory', () => new MemoryPubSub()],
  ['redis', () => new RedisPubSub({ url: REDIS_URL, prefix: `plaza-test-${randomBytes(4).toString('hex')}` })],
  ['redis cluster (sharded)', () => new RedisClusterPubSub({ nodes: parseClusterNodes(cluster.nodesEnv), prefix: `plaza-test-${randomBytes(4).toString('hex')}` })],
];

describe.each(implementations)('PubSub over %s', (_name, make) => {
  let bus: PubSub;
  beforeEach(() => {
    bus = make();
  });
  afterEach(() => bus.close());

  it('delivers payloads with Dates rebuilt, in publish order', async () => {
    const c = collector<IssueEventMessage>();
    await bus.subscribe('issueEvents', c.handler);
    const sent = Array.from({ length: 50 }, (_, i) => issueEvent(i + 1));
    for (const e of sent) await bus.publish('issueEvents', e);
    await c.until(50);
    expect(c.got.map((e) => e.seq)).toEqual(sent.map((e) => e.seq));
    expect(c.got[0]!.at).toBeInstanceOf(Date);
    expect(c.got[0]).toEqual(sent[0]);
  });

  it('keeps topics apart', async () => {
    const issues = collector<unknown>();
    const sessions = collector<unknown>();
    await bus.subscribe('issueEvents', issues.handler);
    await bus.subscribe('sessionEvents', sessions.handler);
    await bus.publish('sessionEvents', { cursor: eventCursor(7), seq: 7, kind: 'STARTED', at: new Date(), communityId: randomUUID(), sessionId: randomUUID(), topicId: null });
    await sessions.until(1);
    await settle();
    expect(issues.got).toHaveLength(0);
  });

  it('one subscriber leaving does not unsubscribe the others of the same topic', async () => {
    const a = collector<IssueEventMessage>();
    const b = collector<IssueEventMessage>();
    const unA = await bus.subscribe('issueEvents', a.handler);
    await bus.subscribe('issueEvents', b.handler);
    await bus.publish('issueEvents', issueEvent(1));
    await Promise.all([a.until(1), b.until(1)]);
    await unA();
    await unA(); // idempotent
    await bus.publish('issueEvents', issueEvent(2));
    await b.until(2);
    await settle();
    expect(a.got.map((e) => e.seq)).toEqual([1]);
    expect(b.got.map((e) => e.seq)).toEqual([1, 2]);
  });

  it('a subscriber can leave and join again quickly', async () => {
    const a = collector<IssueEventMessage>();
    const un = await bus.subscribe('issueEvents', () => undefined);
    const p = un();
    await bus.subscribe('issueEvents', a.handler);
    await p;
    await bus.publish('issueEvents', issueEvent(3));
    await a.until(1);
  });

  it('a throwing handler does not stop the others', async () => {
    const b = collector<IssueEventMessage>();
    await bus.subscribe('issueEvents', () => {
      throw new Error('boom');
    });
    await bus.subscribe('issueEvents', b.handler);
    await bus.publish('issueEvents', issueEvent(4));
    await b.until(1);
  });

  it('rejects a malformed payload at the publisher, naming the field', async () => {
    const bad = { ...issueEvent(5), category: 'NOPE' } as unknown as IssueEventMessage;
    await expect(bus.publish('issueEvents', bad)).rejects.toThrow(PayloadError);
    await expect(bus.publish('issueEvents', bad)).rejects.toThrow(/category/);
    await expect(bus.publish('nope' as 'issueEvents', issueEvent(1))).rejects.toThrow(/unknown topic/);
  });
});

describe('RedisPubSub specifics', () => {
  const prefix = () => `plaza-test-${randomBytes(4).toString('hex')}`;
  let raw: Redis;
  beforeAll(() => {
    raw = new Redis(REDIS_URL);
  });
  afterAll(() => raw.quit());

  it('requires a prefix', () => {
    expect(() => new RedisPubSub({ url: REDIS_URL, prefix: '' })).toThrow(/prefix/);
  });

  it('uses `${prefix}:${topic}` channels, so prefixes isolate deployments', async () => {
    const p = prefix();
    const a = new RedisPubSub({ url: REDIS_URL, prefix: p });
    const b = new RedisPubSub({ url: REDIS_URL, prefix: prefix() });
    try {
      const ca = collector<IssueEventMessage>();
      const cb = collector<IssueEventMessage>();
      await a.subscribe('issueEvents', ca.handler);
      await b.subscribe('issueEvents', cb.handler);
      await raw.publish(`${p}:issueEvents`, JSON.stringify(issueEvent(9)));
      await ca.until(1);
      await settle();
      expect(cb.got).toHaveLength(0);
      expect(ca.got[0]!.at).toBeInstanceOf(Date);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  });

  it('drops malformed messages on receipt and keeps going', async () => {
    const p = prefix();
    const bus = new RedisPubSub({ url: REDIS_URL, prefix: p });
    try {
      const c = collector<IssueEventMessage>();
      await bus.subscribe('issueEvents', c.handler);
      await raw.publish(`${p}:issueEvents`, 'not json');
      await raw.publish(`${p}:issueEvents`, JSON.stringify({ ...issueEvent(1), at: 'yesterday' }));
      await raw.publish(`${p}:issueEvents`, JSON.stringify(issueEvent(2)));
      await c.until(1);
      await settle();
      expect(c.got.map((e) => e.seq)).toEqual([2]);
    } finally {
      await bus.close();
    }
  });

  it('publish rejects quickly while Redis is unreachable', async () => {
    const bus = new RedisPubSub({ url: 'redis://127.0.0.1:1', prefix: prefix(), publishTimeoutMs: 200 });
    try {
      const t0 = Date.now();
      await expect(bus.publish('issueEvents', issueEvent(1))).rejects.toThrow(/not reachable/);
      expect(Date.now() - t0).toBeLessThan(1500);
    } finally {
      await bus.close();
    }
  });

  it('resubscribes after the connection drops and tells subscribers to catch up', async () => {
    const p = prefix();
    const bus = new RedisPubSub({ url: REDIS_URL, prefix: p });
    try {
      const c = collector<IssueEventMessage>();
      let reconnects = 0;
      await bus.subscribe('issueEvents', c.handler, { onReconnect: () => reconnects++ });
      // Kill only our own subscriber connection (other suites share this Redis).
      const list = (await raw.client('LIST')) as string;
      const line = list.split('\n').find((l) => l.includes(` name=${p}:sub `));
      expect(line).toBeDefined();
      const id = /id=(\d+)/.exec(line!)![1]!;
      await raw.client('KILL', 'ID', id);
      for (let i = 0; i < 50 && reconnects === 0; i++) await settle(50);
      expect(reconnects).toBe(1);
      await bus.publish('issueEvents', issueEvent(11));
      await c.until(1);
    } finally {
      await bus.close();
    }
  });
});

describe('RedisClusterPubSub specifics', () => {
  const prefix = () => `plaza-test-${randomBytes(4).toString('hex')}`;
  jest.setTimeout(60_000);

  it('requires a prefix and host:port seeds', () => {
    expect(() => new RedisClusterPubSub({ nodes: parseClusterNodes(cluster.nodesEnv), prefix: '' })).toThrow(/prefix/);
    expect(() => parseClusterNodes('127.0.0.1')).toThrow(/host:port/);
  });

  it('uses sharded pub/sub: a raw SPUBLISH on the channel arrives, a classic PUBLISH does not', async () => {
    const p = prefix();
    const bus = new RedisClusterPubSub({ nodes: parseClusterNodes(cluster.nodesEnv), prefix: p });
    const raw = new Cluster(parseClusterNodes(cluster.nodesEnv));
    try {
      const c = collector<IssueEventMessage>();
      await bus.subscribe('issueEvents', c.handler);
      await raw.publish(`${p}:issueEvents`, JSON.stringify(issueEvent(1)));
      await raw.spublish(`${p}:issueEvents`, JSON.stringify(issueEvent(2)));
      await c.until(1);
      await settle();
      expect(c.got.map((e) => e.seq)).toEqual([2]);
    } finally {
      await bus.close();
      raw.disconnect();
    }
  });

  it('survives kill -9 of the master owning its channel: the replica is promoted, subscribers resubscribe and are told to catch up', async () => {
    const p = prefix();
    const nodes = parseClusterNodes(cluster.nodesEnv);
    const bus = new RedisClusterPubSub({ nodes, prefix: p, publishTimeoutMs: 500 });
    const raw = new Cluster(nodes);
    try {
      const c = collector<IssueEventMessage>();
      let reconnects = 0;
      await bus.subscribe('issueEvents', c.handler, { onReconnect: () => reconnects++ });
      await bus.publish('issueEvents', issueEvent(1));
      await c.until(1);
      await new Promise<void>((r) => raw.refreshSlotsCache(() => r()));
      const slot = require('cluster-key-slot')(`${p}:issueEvents`) as number;
      const owner = Number(raw.slots[slot]![0]!.split(':').pop());
      const t0 = Date.now();
      await cluster.kill(owner, 'SIGKILL');
      // Publishing fails until the replica takes over, then works again (the relay retries like this).
      let published = false;
      while (!published && Date.now() - t0 < 30_000) {
        published = await bus.publish('issueEvents', issueEvent(2)).then(
          () => true,
          () => false,
        );
        if (!published) await settle(100);
      }
      const failoverMs = Date.now() - t0;
      expect(published).toBe(true);
      for (let i = 0; i < 100 && reconnects === 0; i++) await settle(50);
      expect(reconnects).toBe(1);
      await bus.publish('issueEvents', issueEvent(3));
      await c.until(2, 5000);
      expect(c.got.map((e) => e.seq).at(-1)).toBe(3);
      expect(failoverMs).toBeLessThan(15_000);
      // The old master comes back as a replica of the promoted one.
      await cluster.restart(owner);
      await cluster.waitHealthy();
      expect(await cluster.masters()).not.toContain(owner);
    } finally {
      await bus.close();
      raw.disconnect();
    }
  });
});

describe('event cursors', () => {
  it('round-trip seq and reject foreign strings', () => {
    expect(eventSeq(eventCursor(42))).toBe(42);
    expect(eventSeq('garbage')).toBeNull();
    expect(eventSeq(null)).toBeNull();
  });
});
