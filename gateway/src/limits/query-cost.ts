import {
  getNamedType,
  getNullableType,
  isListType,
  isObjectType,
  isInterfaceType,
  isUnionType,
  Kind,
  valueFromASTUntyped,
  type DirectiveNode,
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
  /** Directives used in one operation (directive bombs, e.g. `@skip(if: false)` × 1,000). Default 50. */
  maxDirectives: number;
  /** Cost budget: every field costs 1, times the list sizes above it. Default 50,000. */
  maxCost: number;
  /** Assumed size of a list without a `first` argument. Default 10. */
  defaultListSize: number;
  /** Lexical tokens allowed in one document, counted before it is parsed. Default 1,000. */
  maxTokens: number;
  /** UTF-8 bytes allowed in one document (the `query` text), checked before anything else. Default 64 KiB. */
  maxDocumentBytes: number;
}

export const DEFAULT_QUERY_LIMITS: QueryLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxDirectives: 50,
  maxCost: 50_000,
  defaultListSize: 10,
  maxTokens: 1_000,
  maxDocumentBytes: 64 * 1024,
};

export interface QueryMeasure {
  depth: number;
  aliases: number;
  cost: number;
}

/** Everything the limits look at for one operation of a document, as if every fragment were expanded. */
export interface OperationFigures extends QueryMeasure {
  directives: number;
}

type Parent = GraphQLOutputType | null;

/** What one selection set adds, relative to where it sits: fragments are measured once and combined. */
interface SetFigures {
  cost: number;
  /** Deepest field inside, counting the set's own fields as 1. */
  depth: number;
  aliases: number;
  directives: number;
}

const NONE: SetFigures = { cost: 0, depth: 0, aliases: 0, directives: 0 };

const isConnection = (type: Parent) => !!type && getNamedType(type).name.endsWith('Connection');

/** The operation `operationName` picks, as graphql's getOperationAST would; undefined when none or ambiguous. */
export function pickOperation(document: DocumentNode, operationName: string | null | undefined): OperationDefinitionNode | undefined {
  const operations = document.definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  return operationName ? operations.find((o) => o.name?.value === operationName) : operations.length === 1 ? operations[0] : undefined;
}

/**
 * Measures one operation statically, before anything is planned or sent to a subgraph: depth,
 * aliases, directives, and a cost in which a connection's children count `first` times (its
 * argument — literal, variable or the variable's default — or the field's default) and a plain
 * list's children `defaultListSize` times. Introspection is not counted.
 *
 * Each fragment is measured once per call and its figures combined at every spread (times the
 * lists above the spread): `fragment F0 { ...F1 ...F1 } fragment F1 { ...F2 ...F2 } …` costs
 * 2^n but takes n steps here. Expanding it instead blocked the event loop for seconds on an
 * 800-byte document. Variables named in `firstVariables` are reported so callers can cache.
 */
export function measureOperationFigures(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> = {},
  defaultListSize = DEFAULT_QUERY_LIMITS.defaultListSize,
  firstVariables: Set<string> = new Set(),
): OperationFigures {
  const fragments = new Map(document.definitions.filter((d): d is FragmentDefinitionNode => d.kind === Kind.FRAGMENT_DEFINITION).map((f) => [f.name.value, f]));
  const root = operation.operation === 'query' ? schema.getQueryType() : operation.operation === 'mutation' ? schema.getMutationType() : schema.getSubscriptionType();
  if (!root) return { depth: 0, aliases: 0, directives: 0, cost: 0 };
  // A variable's default counts when the request leaves it out, as it will at execution.
  const values: Record<string, unknown> = { ...variables };
  for (const def of operation.variableDefinitions ?? []) {
    if (values[def.variable.name.value] === undefined && def.defaultValue) values[def.variable.name.value] = valueFromASTUntyped(def.defaultValue);
  }
  const memo = new Map<string, SetFigures>();
  const inProgress = new Set<string>();

  const fieldOf = (type: Parent, name: string): GraphQLField<unknown, unknown> | undefined => {
    const named = type ? getNamedType(type) : null;
    return named && (isObjectType(named) || isInterfaceType(named)) ? named.getFields()[name] : undefined;
  };
  const countDirectives = (d: readonly DirectiveNode[] | undefined) => d?.length ?? 0;

  const fragmentFigures = (name: string): SetFigures => {
    const known = memo.get(name);
    if (known) return known;
    const frag = fragments.get(name);
    if (!frag || inProgress.has(name)) return NONE; // unknown or cyclic: validation refuses it anyway
    inProgress.add(name);
    // A fragment on the root type sits at the root (no field returns Query here): its
    // introspection fields are free as they are written inline.
    const on = frag.typeCondition.name.value;
    const inner = walk(frag.selectionSet, schema.getType(on) as GraphQLOutputType, on === root.name);
    inProgress.delete(name);
    const figures = { ...inner, directives: inner.directives + countDirectives(frag.directives) };
    memo.set(name, figures);
    return figures;
  };

  const walk = (set: SelectionSetNode, parent: Parent, atRoot: boolean): SetFigures => {
    const out = { cost: 0, depth: 0, aliases: 0, directives: 0 };
    const add = (f: SetFigures, times = 1, deeper = 0) => {
      out.cost += times * f.cost;
      out.aliases += f.aliases;
      out.directives += f.directives;
      if (f.depth + deeper > out.depth) out.depth = f.depth + deeper;
    };
    for (const sel of set.selections) {
      out.directives += countDirectives(sel.directives);
      if (sel.kind === Kind.FRAGMENT_SPREAD) {
        add(fragmentFigures(sel.name.value));
        continue;
      }
      if (sel.kind === Kind.INLINE_FRAGMENT) {
        const cond = sel.typeCondition ? (schema.getType(sel.typeCondition.name.value) as GraphQLOutputType) : parent;
        add(walk(sel.selectionSet, cond, atRoot));
        continue;
      }
      const name = sel.name.value;
      if (atRoot && (name === '__schema' || name === '__type')) continue;
      if (sel.alias && sel.alias.value !== name) out.aliases++;
      if (out.depth < 1) out.depth = 1;
      if (!sel.selectionSet) {
        // __typename is answered by the gateway and clients add it to every selection set: free,
        // as before (its aliases and directives still count, and the token limit bounds its copies).
        if (name !== '__typename') out.cost += 1;
        continue;
      }
      const field = fieldOf(parent, name);
      const returns = field?.type ?? null;
      const named = returns ? getNamedType(returns) : null;
      let multiplier = 1;
      const firstArg = sel.arguments?.find((a) => a.name.value === 'first');
      const firstDefault = field?.args.find((a) => a.name === 'first')?.defaultValue;
      if (firstArg || firstDefault !== undefined) {
        if (firstArg?.value.kind === Kind.VARIABLE) firstVariables.add(firstArg.value.name.value);
        const v = firstArg ? valueFromASTUntyped(firstArg.value, values) : firstDefault;
        multiplier = typeof v === 'number' && v > 0 ? v : defaultListSize;
      } else if (returns && isListType(getNullableType(returns)) && !isConnection(parent)) {
        // A connection's `edges` are already counted by its `first`.
        multiplier = defaultListSize;
      }
      const childParent = named && (isObjectType(named) || isInterfaceType(named) || isUnionType(named)) ? (named as GraphQLOutputType) : null;
      const child = walk(sel.selectionSet, childParent, false);
      out.cost += 1 + multiplier * child.cost;
      out.aliases += child.aliases;
      out.directives += child.directives;
      if (child.depth + 1 > out.depth) out.depth = child.depth + 1;
    }
    return out;
  };

  const figures = walk(operation.selectionSet, root, true);
  return { ...figures, directives: figures.directives + countDirectives(operation.directives) };
}

/** Depth, aliases and cost of the operation `operationName` picks (the first one when unnamed). */
export function measureOperation(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown> = {},
  defaultListSize = DEFAULT_QUERY_LIMITS.defaultListSize,
): QueryMeasure {
  const operation = operationName ? pickOperation(document, operationName) : document.definitions.find((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
  if (!operation) return { depth: 0, aliases: 0, cost: 0 };
  const { depth, aliases, cost } = measureOperationFigures(schema, document, operation, variables, defaultListSize);
  return { depth, aliases, cost };
}
