import type { ApolloServerPlugin } from '@apollo/server';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import { collectFields } from 'graphql/execution/collectFields';
import { getVariableValues } from 'graphql/execution/values';
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

/**
 * How many rate-limited root fields a mutation will execute: the root fields as execution
 * collects them — through inline and named fragments, with `@skip` / `@include` decided by the
 * request's coerced variables, one per response key (aliases count apart; a field repeated
 * under one key runs once). Counting only the literal root selections let
 * `... on Mutation { supportIssue }` or `supportIssue @include(if: true)` through uncounted.
 * Variables that do not coerce execute nothing, so they count nothing.
 */
export function rateLimitedCalls(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode | undefined, variables: Record<string, unknown> = {}): number {
  const mutationType = schema.getMutationType();
  if (!operation || operation.operation !== 'mutation' || !mutationType) return 0;
  const coerced = getVariableValues(schema, operation.variableDefinitions ?? [], variables, { maxErrors: 1 });
  if (!coerced.coerced) return 0;
  const fragments: Record<string, FragmentDefinitionNode> = Object.create(null);
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments[d.name.value] = d;
  const fields: readonly string[] = RATE_LIMITED_FIELDS;
  let calls = 0;
  for (const nodes of collectFields(schema, fragments, coerced.coerced, mutationType, operation.selectionSet).values()) {
    if (fields.includes(nodes[0]!.name.value)) calls++;
  }
  return calls;
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
        async didResolveOperation({ schema, document, operation, request, contextValue }) {
          const who = contextValue.viewer.id;
          if (!who || operation?.operation !== 'mutation') return;
          const calls = rateLimitedCalls(schema, document, operation, request.variables ?? {});
          if (!calls) return;
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
