import { HeaderMap, type ApolloServerPlugin, type BaseContext } from '@apollo/server';
import { execute, Kind, type GraphQLSchema, type SelectionSetNode } from 'graphql';

const INTROSPECTION_FIELDS = new Set(['__schema', '__type', '__typename']);

function onlyIntrospection(set: SelectionSetNode): boolean {
  return set.selections.every((s) => (s.kind === Kind.FIELD ? INTROSPECTION_FIELDS.has(s.name.value) : s.kind === Kind.INLINE_FRAGMENT && onlyIntrospection(s.selectionSet)));
}

/**
 * The query planner knows only the supergraph, so HTTP introspection would not show the
 * contract's Subscription type served over graphql-ws on the same path. Operations that only
 * introspect are answered from the full client schema (API schema + subscriptions) instead, so
 * GraphiQL, codegen and the contract-coverage check see the whole API. Apollo's own validation
 * (introspection off in production) runs before this.
 */
export function fullSchemaIntrospectionPlugin(schema: () => GraphQLSchema | null): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async responseForOperation({ operation, document, request, contextValue }) {
          const full = schema();
          // No operation resolved: inputGuardPlugin, which runs first, has answered it.
          if (!full || !operation || operation.operation !== 'query' || !onlyIntrospection(operation.selectionSet)) return null;
          const result = await execute({ schema: full, document, variableValues: request.variables, operationName: request.operationName, contextValue });
          return { http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: result } };
        },
      };
    },
  };
}
