import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type OperationDefinitionNode } from 'graphql';
import { RateLimitedError } from '@plaza/shared';
import type { GatewayContext } from '../gateway';
import { MemoryLimiter } from '../rate-limit/memory.limiter';
import type { RateLimiter, RateLimitOptions } from '../rate-limit/rate-limiter';

/** Root mutation fields a resident fires from a phone in front of the screen. */
export const RATE_LIMITED_FIELDS = ['supportIssue', 'withdrawSupport', 'votePlan'] as const;

export interface SupportRateLimitOptions extends RateLimitOptions {
  /** Where calls are counted. Default: this gateway's memory (MemoryLimiter with limit/windowMs). */
  limiter?: RateLimiter;
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
 * issues subgraph. Anonymous callers are not counted: the subgraph refuses them anyway. With
 * REDIS_URL the gateway counts in Redis (RedisLimiter), so the limit holds across gateways.
 */
export function supportRateLimitPlugin(o: SupportRateLimitOptions = {}): ApolloServerPlugin<GatewayContext> {
  const limiter = o.limiter ?? new MemoryLimiter(o);
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, contextValue }) {
          const calls = rateLimitedCalls(operation);
          const who = contextValue.viewer.id;
          if (!calls || !who) return;
          const retryAfter = await limiter.take(who, calls);
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
