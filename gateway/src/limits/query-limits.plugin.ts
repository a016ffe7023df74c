import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { DEFAULT_QUERY_LIMITS, type QueryLimits } from './query-cost';
import { measureDocument } from './document.measure';
import { checkQueryLimits } from './query-limits';

/**
 * Rejects an operation that is too deep, too aliased, has too many directives or costs too much
 * with QUERY_TOO_COMPLEX, at `didResolveOperation` — before the query planner runs and before
 * any subgraph is called. Over HTTP the LimitsGuard has judged the same figures before parsing;
 * this catches what reaches Apollo another way (executeOperation, persisted-query hashes), at
 * the price of one measurement per document (measureDocument caches it).
 */
export function queryLimitsPlugin(limits: Partial<QueryLimits> = {}): ApolloServerPlugin<BaseContext> {
  const l = { ...DEFAULT_QUERY_LIMITS, ...limits };
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ document, operationName, request, schema }) {
          checkQueryLimits(measureDocument(schema, document, operationName, request.variables ?? {}, l.defaultListSize), l);
        },
      };
    },
  };
}
