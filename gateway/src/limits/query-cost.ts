import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  Kind,
  valueFromASTUntyped,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLField,
  type GraphQLOutputType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';

export interface QueryLimits {
  /** Deepest field nesting allowed. Default 12. */
  maxDepth: number;
  /** Aliased fields allowed in one operation (alias bombs). Default 30. */
  maxAliases: number;
  /** Cost budget: every field costs 1, times the list sizes above it. Default 50,000. */
  maxCost: number;
  /** Assumed size of a list without a `first` argument. Default 10. */
  defaultListSize: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = { maxDepth: 12, maxAliases: 30, maxCost: 50_000, defaultListSize: 10 };

export interface QueryMeasure {
  depth: number;
  aliases: number;
  cost: number;
}

type Parent = GraphQLOutputType | null;

const isConnection = (type: Parent) => !!type && getNamedType(type).name.endsWith('Connection');

/**
 * Measures an operation statically, before anything is planned or sent to a subgraph: depth,
 * aliases, and a cost in which a connection's children count `first` times (its argument, or its
 * default) and a plain list's children `defaultListSize` times. Introspection is not counted.
 */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> = {},
  defaultListSize = DEFAULT_QUERY_LIMITS.defaultListSize,
): QueryMeasure {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  const operation = operationName ? operations.find((o) => o.name?.value === operationName) : operations[0];
  const fragments = new Map(
    document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]),
  );
  if (!operation) return { depth: 0, aliases: 0, cost: 0 };
  const root =
    operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  let aliases = 0;
  let maxDepth = 0;

  const fieldOf = (type: Parent, name: string): GraphQLField<unknown, unknown> | undefined => {
    const named = type ? getNamedType(type) : null;
    return named && (isObjectType(named) || isInterfaceType(named)) ? named.getFields()[name] : undefined;
  };

  const walk = (set: SelectionSetNode, parent: Parent, depth: number, seen: Set<string>): number => {
    let cost = 0;
    for (const sel of set.selections) {
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        const frag = fragments.get(sel.name.value);
        if (!frag || seen.has(frag.name.value)) continue; // cycles are a validation error anyway
        cost += walk(frag.selectionSet, schema.getType(frag.typeCondition.name.value) as GraphQLOutputType, depth, new Set([...seen, frag.name.value]));
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) as GraphQLOutputType) : parent;
        cost += walk(sel.selectionSet, cond, depth, seen);
        continue;
      }
      const name = sel.name.value;
      if (depth === 1 && (name === '__schema' || name === '__type')) continue;
      if (name.startsWith('__')) continue;
      if (sel.alias && sel.alias.value !== name) aliases++;
      const fieldDepth = depth;
      if (fieldDepth > maxDepth) maxDepth = fieldDepth;
      const field = fieldOf(parent, name);
      if (!sel.selectionSet) {
        cost += 1;
        continue;
      }
      const returns = field?.type ?? null;
      const named = returns ? getNamedType(returns) : null;
      let multiplier = 1;
      const firstArg = sel.arguments?.find((a) => a.name.value === 'first');
      const firstDefault = field?.args.find((a) => a.name === 'first')?.defaultValue;
      if (firstArg || firstDefault !== undefined) {
        const v = firstArg ? valueFromASTUntyped(firstArg.value, variables) : firstDefault;
        multiplier = typeof v === 'number' && v > 0 ? v : defaultListSize;
      } else if (returns && isListType(getNullableType(returns)) && !isConnection(parent)) {
        // A connection's `edges` are already counted by its `first`.
        multiplier = defaultListSize;
      }
      const childParent = named && (isObjectType(named) || isInterfaceType(named) || isUnionType(named)) ? (named as GraphQLOutputType) : null;
      cost += 1 + multiplier * walk(sel.selectionSet, childParent, depth + 1, seen);
    }
    return cost;
  };

  const cost = root ? walk(operation.selectionSet, root, 1, new Set()) : 0;
  return { depth: maxDepth, aliases, cost };
}
