import { DEFAULT_LIMIT, DEFAULT_WINDOW_MS, type RateLimiter, type RateLimitOptions } from './rate-limiter';

/**
 * A sliding window kept in this process: per key, the times of recent calls. Right for one
 * gateway; several gateways share redis.limiter.ts instead, which falls back to this one while
 * Redis does not answer.
 */
export class MemoryLimiter implements RateLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(o: RateLimitOptions & { /** Clock, for tests. Default Date.now. */ now?: () => number } = {}) {
    this.limit = o.limit ?? DEFAULT_LIMIT;
    this.windowMs = o.windowMs ?? DEFAULT_WINDOW_MS;
    this.now = o.now ?? Date.now;
  }

  async take(key: string, cost = 1): Promise<number> {
    return this.takeNow(key, cost);
  }

  takeNow(key: string, cost = 1): number {
    const now = this.now();
    const since = now - this.windowMs;
    const times = (this.hits.get(key) ?? []).filter((t) => t > since);
    if (times.length + cost > this.limit) {
      this.hits.set(key, times);
      const oldest = times[Math.max(0, times.length + cost - this.limit - 1)] ?? now;
      return Math.max(1, Math.ceil((oldest + this.windowMs - now) / 1000));
    }
    for (let i = 0; i < cost; i++) times.push(now);
    this.hits.set(key, times);
    // Keeps the map from growing with every viewer ever seen; at most one sweep per window, so a
    // crowd of active viewers does not make every call walk the whole map.
    if (this.hits.size > 10_000 && now - this.lastSweep >= this.windowMs) {
      this.lastSweep = now;
      for (const [k, v] of this.hits) if (!v.some((t) => t > since)) this.hits.delete(k);
    }
    return 0;
  }

  async close() {
    this.hits.clear();
  }
}
