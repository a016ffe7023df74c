import { randomBytes } from 'node:crypto';
import { createServer, type Server, type Socket } from 'node:net';
import { DEFAULT_REDIS_URL, parseClusterNodes } from '@plaza/shared';
import { startRedisCluster, type RedisCluster } from '@plaza/shared/cluster';
import { MemoryLimiter } from '../memory.limiter';
import type { RateLimiter } from '../rate-limiter';
import { RedisLimiter } from '../redis.limiter';

const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const open: RateLimiter[] = [];
afterEach(async () => {
  for (const l of open.splice(0)) await l.close();
});

// A real 6-node Redis Cluster for the cluster runs.
let cluster: RedisCluster;
beforeAll(async () => {
  cluster = await startRedisCluster();
}, 60_000);
afterAll(() => cluster?.stop());
const onCluster = (prefix: string, limit: number, windowMs: number) =>
  new RedisLimiter({ url: '', clusterNodes: parseClusterNodes(cluster.nodesEnv), prefix, name: 't', limit, windowMs, timeoutMs: 1000 });

// The same behaviour from all: Redis is real, clocks are real, windows short.
const kinds: [string, (limit: number, windowMs: number) => RateLimiter][] = [
  ['memory', (limit, windowMs) => new MemoryLimiter({ limit, windowMs })],
  // A generous timeout: on a loaded machine a call past the default 250 ms is counted in memory
  // (the fallback, tested on its own), which these exact counts would read as a wrong answer.
  ['redis', (limit, windowMs) => new RedisLimiter({ url: REDIS_URL, prefix: `plaza-test-${randomBytes(4).toString('hex')}`, name: 't', limit, windowMs, timeoutMs: 2000 })],
  ['redis cluster', (limit, windowMs) => onCluster(`plaza-test-${randomBytes(4).toString('hex')}`, limit, windowMs)],
];

describe.each(kinds)('%s limiter', (_name, make) => {
  const limiter = (limit: number, windowMs: number) => {
    const l = make(limit, windowMs);
    open.push(l);
    return l;
  };

  it('allows `limit` calls per window per key, then says how long to wait', async () => {
    const l = limiter(3, 60_000);
    expect([await l.take('a'), await l.take('a'), await l.take('a')]).toEqual([0, 0, 0]);
    const wait = await l.take('a');
    expect(wait).toBeGreaterThanOrEqual(59);
    expect(wait).toBeLessThanOrEqual(60);
    expect(await l.take('b')).toBe(0); // per key
  });

  it('counts a call of several fields as that many, and refuses it whole when it does not fit', async () => {
    const l = limiter(5, 60_000);
    expect(await l.take('a', 3)).toBe(0);
    expect(await l.take('a', 3)).toBeGreaterThan(0);
    expect(await l.take('a', 2)).toBe(0);
    expect(await l.take('a')).toBeGreaterThan(0);
  });

  it('lets calls in again as earlier ones slide out of the window', async () => {
    const l = limiter(2, 600);
    expect([await l.take('a'), await l.take('a')]).toEqual([0, 0]);
    expect(await l.take('a')).toBe(1); // rounded up to whole seconds
    await sleep(700);
    expect(await l.take('a')).toBe(0);
  });
});

describe('RedisLimiter across gateways', () => {
  it('holds the limit for a viewer in all, whichever gateway counts the call', async () => {
    const prefix = `plaza-test-${randomBytes(4).toString('hex')}`;
    const [a, b] = [0, 1].map(() => new RedisLimiter({ url: REDIS_URL, prefix, name: 'support', limit: 30, windowMs: 60_000 }));
    open.push(a!, b!);
    // Both at once, interleaved: exactly 30 of 40 get through.
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a! : b!).take('resident-1')));
    expect(results.filter((r) => r === 0)).toHaveLength(30);
    expect(results.filter((r) => r > 0).every((r) => r <= 60)).toBe(true);
  });

  it('holds it on a Redis Cluster too, in one hash-tagged key per viewer', async () => {
    const prefix = `plaza-test-${randomBytes(4).toString('hex')}`;
    const [a, b] = [0, 1].map(() => onCluster(prefix, 30, 60_000));
    open.push(a!, b!);
    for (const l of [a, b]) for (let i = 0; i < 100 && (l as any).redis.status !== 'ready'; i++) await sleep(50);
    const results = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 ? a! : b!).take('resident-1')));
    expect(results.filter((r) => r === 0)).toHaveLength(30);
    expect(await (a as any).redis.zcard(`${prefix}:ratelimit:t:{resident-1}`)).toBe(30);
  });

  it('counts in memory while Redis does not answer, and never throws', async () => {
    // A port that accepts and never answers: every command times out.
    const held: Socket[] = [];
    const silent: Server = createServer((socket) => void held.push(socket));
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as { port: number }).port;
    const warnings: string[] = [];
    const log = { warn: (_o: unknown, msg: string) => warnings.push(msg) } as never;
    const l = new RedisLimiter({ url: `redis://127.0.0.1:${port}`, prefix: 'plaza-test-down', name: 't', limit: 2, windowMs: 60_000, timeoutMs: 100, log });
    open.push(l);
    try {
      const t0 = Date.now();
      expect([await l.take('a'), await l.take('a')]).toEqual([0, 0]);
      expect(await l.take('a')).toBeGreaterThan(0);
      expect(Date.now() - t0).toBeLessThan(3000);
      expect(warnings.some((w) => w.includes('this gateway only'))).toBe(true);
    } finally {
      await l.close();
      for (const s of held) s.destroy();
      await new Promise((r) => silent.close(r));
    }
  });
});
