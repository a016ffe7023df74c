import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { RateLimitedError } from '@plaza/shared';
import type { GatewayContext } from '../gateway';

/** Root mutation fields a resident fires from a phone in front of the screen. */
export const RATE_LIMITED_FIELDS = ['supportIssue', 'withdrawSupport', 'votePlan'] as const;

export interface SupportRateLimitOptions {
  /** Calls allowed per viewer within `windowMs`. Default 30. */
  limit?: number;
  /** Sliding window length, ms. Default 60000. */
  windowMs?: number;
  /** Clock, for tests. Default Date.now. */
  now?: () => number;
}

/**
 * A sliding-window limiter kept in this gateway's memory: per viewer, the times of recent calls.
 * In memory on purpose (one gateway in front of a plaza); several gateway instances would each
 * allow `limit` — a shared Redis window would be the next step.
 */
export class SlidingWindowLimiter {
  private readonly hits = new Map<string, number[]>();
  private readonly limit: number;
  private readonly windowMs: number;
  private readonly now: () => number;
  private lastSweep = 0;

  constructor(o: SupportRateLimitOptions = {}) {
    this.limit = o.limit ?? 30;
    this.windowMs = o.windowMs ?? 60_000;
    this.now = o.now ?? Date.now;
  }

  /** Records `cost` calls for `key`; returns 0 when allowed, else the seconds until one would be. */
  take(key: string, cost = 1): number {
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
}

/** How many rate-limited root fields (aliases included) a mutation selects. */
export function rateLimitedCalls(operation: OperationDefinitionNode | undefined): number {
  if (!operation || operation.operation !== 'mutation') return 0;
  const fields: readonly string[] = RATE_LIMITED_FIELDS;
  return operation.selectionSet.selections.filter((s) => s.kind === Kind.FIELD && fields.includes(s.name.value)).length;
}

/**
 * RATE_LIMITED (HTTP 429) when a viewer calls supportIssue / withdrawSupport / votePlan more than
 * `limit` times per window — checked at the gateway before planning, so nothing reaches the
 * issues subgraph. Anonymous callers are not counted: the subgraph refuses them anyway.
 */
export function supportRateLimitPlugin(o: SupportRateLimitOptions = {}): ApolloServerPlugin<GatewayContext> {
  const limiter = new SlidingWindowLimiter(o);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          const calls = rateLimitedCalls(operation);
          const who = contextValue.viewer.id;
          if (!calls || !who) return;
          const retryAfter = limiter.take(who, calls);
          if (retryAfter) {
            const err = new RateLimitedError(retryAfter);
            Object.assign(err.extensions, { http: { status: 429, headers: new Map([['retry-after', String(retryAfter)]]) } });
            throw err;
          }
        },
      };
    },
  };
}
