/** Counts calls per key within a sliding window. Implementations: memory.limiter.ts, redis.limiter.ts. */
export interface RateLimiter {
  /** Records `cost` calls for `key`; resolves 0 when allowed, else the seconds until they would be. */
  take(key: string, cost?: number): Promise<number>;
  close(): Promise<void>;
}

export interface RateLimitOptions {
  /** Calls allowed per key within `windowMs`. Default 30. */
  limit?: number;
  /** Sliding window length, ms. Default 60000. */
  windowMs?: number;
}

export const DEFAULT_LIMIT = 30;
export const DEFAULT_WINDOW_MS = 60_000;
