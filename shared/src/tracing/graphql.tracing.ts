import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { annotateActiveSpan, tracingEnabled } from './spans';

/**
 * Names the GraphQL operation on the request's span once Apollo resolved it (the name may be in
 * the document only, not in the request body). With tracing off Apollo gets no hooks at all.
 */
export function graphqlTracingPlugin(): ApolloServerPlugin<BaseContext> {
  if (!tracingEnabled()) return {};
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operationName, operation }) {
          annotateActiveSpan({ 'graphql.operation.name': operationName ?? '', 'graphql.operation.type': operation?.operation ?? '' });
        },
      };
    },
  };
}
