import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { QueryTooComplexError } from '@plaza/shared';
import { DEFAULT_QUERY_LIMITS, measureOperation, type QueryLimits } from './query-cost';

/**
 * Rejects an operation that is too deep, too aliased or too costly with QUERY_TOO_COMPLEX, at
 * `didResolveOperation` — before the query planner runs and before any subgraph is called.
 */
export function queryLimitsPlugin(limits: Partial<QueryLimits> = {}): ApolloServerPlugin<BaseContext> {
  const l = { ...DEFAULT_QUERY_LIMITS, ...limits };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, schema }) {
          const m = measureOperation(schema, document, operationName, request.variables ?? {}, l.defaultListSize);
          const http = { status: 400 };
          if (m.depth > l.maxDepth) {
            throw new QueryTooComplexError(`查询嵌套过深 (query depth ${m.depth} exceeds the limit ${l.maxDepth})`, { depth: m.depth, maxDepth: l.maxDepth, http });
          }
          if (m.aliases > l.maxAliases) {
            throw new QueryTooComplexError(`别名过多 (${m.aliases} aliases exceed the limit ${l.maxAliases})`, { aliases: m.aliases, maxAliases: l.maxAliases, http });
          }
          if (m.cost > l.maxCost) {
            throw new QueryTooComplexError(`查询代价过高 (query cost ${m.cost} exceeds the budget ${l.maxCost})`, { cost: m.cost, limit: l.maxCost, http });
          }
        },
      };
    },
  };
}
