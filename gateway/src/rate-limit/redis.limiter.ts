import { randomBytes } from 'node:crypto';
import Redis, { Cluster, type ClusterNode } from 'ioredis';
import type { Logger } from 'pino';
import { readyWithin, redisRetryStrategy } from '@plaza/shared';
import { MemoryLimiter } from './memory.limiter';
import { DEFAULT_LIMIT, DEFAULT_WINDOW_MS, type RateLimiter, type RateLimitOptions } from './rate-limiter';

export interface RedisLimiterOptions extends RateLimitOptions {
  url: string;
  /**
   * A Redis Cluster instead of `url`: the key's viewer part is a hash tag
   * (`${prefix}:ratelimit:${name}:{${key}}`), so everything counted for one viewer shares a slot.
   */
  clusterNodes?: ClusterNode[];
  /** Key prefix, e.g. the channel prefix: `${prefix}:ratelimit:${name}:${key}`. */
  prefix: string;
  /** Names the counted thing within the prefix. */
  name: string;
  /** A call that gets no answer within this many ms is counted in memory instead. Default 250. */
  timeoutMs?: number;
  log?: Logger;
}

// One sorted set per key, scored by Redis' own clock so gateways with skewed clocks agree:
// drop what slid out, refuse when full (answering when the oldest counted call slides out),
// else add `cost` members. One script, so two gateways cannot both take the last call.
const TAKE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local limit, window, cost = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
local n = redis.call('ZCARD', KEYS[1])
if n + cost > limit then
  local i = math.max(0, n + cost - limit - 1)
  local oldest = redis.call('ZRANGE', KEYS[1], i, i, 'WITHSCORES')
  local at = now
  if oldest[2] then at = tonumber(oldest[2]) end
  return math.max(1, math.ceil((at + window - now) / 1000))
end
for j = 1, cost do redis.call('ZADD', KEYS[1], now, ARGV[4] .. ':' .. j) end
redis.call('PEXPIRE', KEYS[1], window)
return 0
`;

type WithTake = (Redis | Cluster) & { plazaTake(key: string, limit: number, windowMs: number, cost: number, member: string): Promise<number> };

/**
 * The sliding window shared by every gateway on one Redis, so a viewer gets `limit` calls per
 * window in all, not per gateway. While Redis does not answer, calls are counted in this
 * gateway's memory (logged): a resident's vote is never refused because Redis is down.
 */
export class RedisLimiter implements RateLimiter {
  private readonly redis: WithTake;
  private readonly fallback: MemoryLimiter;
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly timeoutMs: number;
  private readonly instance = randomBytes(6).toString('hex');
  private seq = 0;
  private lastWarn = 0;

  /** The ioredis status (`ready`, `reconnecting`, …), for metrics. */
  get connectionState(): string {
    return this.redis.status;
  }

  constructor(private readonly o: RedisLimiterOptions) {
    if (!o.prefix || /\s/.test(o.prefix)) throw new Error(`RedisLimiter needs a key prefix without spaces, got ${JSON.stringify(o.prefix)}`);
    this.limit = o.limit ?? DEFAULT_LIMIT;
    this.windowMs = o.windowMs ?? DEFAULT_WINDOW_MS;
    this.timeoutMs = o.timeoutMs ?? 250;
    this.fallback = new MemoryLimiter({ limit: this.limit, windowMs: this.windowMs });
    const options = {
      // A crowd voting at once sends its takes in one write per turn of the event loop, not one
      // write (a syscall, and a wake-up of Redis) per vote: 7% of the gateway's CPU in a burst of
      // 1,000 votes was these writes.
      enableAutoPipelining: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: this.timeoutMs,
      retryStrategy: redisRetryStrategy,
      connectionName: `${o.prefix}:ratelimit`,
    };
    this.redis = (
      o.clusterNodes
        ? new Cluster(o.clusterNodes, { enableAutoPipelining: true, enableOfflineQueue: false, clusterRetryStrategy: redisRetryStrategy, retryDelayOnFailover: 50, redisOptions: options })
        : new Redis(o.url, options)
    ) as WithTake;
    this.redis.defineCommand('plazaTake', { numberOfKeys: 1, lua: TAKE });
    this.redis.on('error', (err) => this.warn(err, 'rate limit: redis connection error'));
  }

  async take(key: string, cost = 1): Promise<number> {
    try {
      if (this.redis.status !== 'ready') await readyWithin(this.redis as Redis, this.timeoutMs, 'the rate limit');
      const member = `${this.instance}:${++this.seq}`;
      const k = this.o.clusterNodes ? `${this.o.prefix}:ratelimit:${this.o.name}:{${key}}` : `${this.o.prefix}:ratelimit:${this.o.name}:${key}`;
      return Number(await this.redis.plazaTake(k, this.limit, this.windowMs, cost, member));
    } catch (e) {
      this.warn(e as Error, 'rate limit: redis did not answer; counting in this gateway only');
      return this.fallback.takeNow(key, cost);
    }
  }

  async close() {
    this.redis.disconnect();
    await this.fallback.close();
  }

  /** At most one warning per 30 s: a Redis outage during a busy night must not flood the log. */
  private warn(err: Error, msg: string) {
    const now = Date.now();
    if (now - this.lastWarn < 30_000) return;
    this.lastWarn = now;
    this.o.log?.warn({ err: err.message }, msg);
  }
}
