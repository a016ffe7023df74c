import { GraphQLError, Kind, type DocumentNode, type FragmentDefinitionNode, type GraphQLSchema, type SelectionSetNode } from 'graphql';
import { QueryTooComplexError } from '@plaza/shared';
import { DEFAULT_QUERY_LIMITS, measureOperation, type QueryLimits } from '../limits/query-cost';

/**
 * Selections an operation may expand to, every fragment spread counted as many times as it is
 * reached. Default 10,000: a screen's widest subscription expands to ~100; 20 levels of fragments
 * that each spread the next twice (a 716-byte document) expand to a million.
 */
export const DEFAULT_MAX_EXPANDED_SELECTIONS = 10_000;

export interface SubscriptionLimits extends QueryLimits {
  /** See DEFAULT_MAX_EXPANDED_SELECTIONS. */
  maxExpandedSelections: number;
}

export const DEFAULT_SUBSCRIPTION_LIMITS: SubscriptionLimits = { ...DEFAULT_QUERY_LIMITS, maxExpandedSelections: DEFAULT_MAX_EXPANDED_SELECTIONS };

/**
 * How many selections `document` expands to with every spread inlined, computed once per fragment
 * (memoised), so it costs the document's size, not its expansion. Stops counting past `max` (the
 * result is then `max + 1`). A spread of an unknown fragment or one in a cycle counts 1: validation
 * reports those.
 */
export function expandedSelections(document: DocumentNode, max: number): number {
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const sizes = new Map<string, number>();
  const visiting = new Set<string>();
  const cap = (n: number) => (n > max ? max + 1 : n);

  const sizeOfFragment = (name: string): number => {
    const known = sizes.get(name);
    if (known !== undefined) return known;
    const f = fragments.get(name);
    if (!f || visiting.has(name)) return 1;
    visiting.add(name);
    const n = sizeOfSet(f.selectionSet);
    visiting.delete(name);
    sizes.set(name, n);
    return n;
  };
  const sizeOfSet = (set: SelectionSetNode): number => {
    let n = 0;
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) n += 1 + (s.selectionSet ? sizeOfSet(s.selectionSet) : 0);
      else if (s.kind === Kind.INLINE_FRAGMENT) n += sizeOfSet(s.selectionSet);
      else n += sizeOfFragment(s.name.value);
      if (n > max) return max + 1;
    }
    return cap(n);
  };

  let total = 0;
  for (const d of document.definitions) {
    if (d.kind !== Kind.OPERATION_DEFINITION) continue;
    total = cap(total + sizeOfSet(d.selectionSet));
  }
  return total;
}

/** The refusal for a document that expands past the limit, or null. Needs no schema: runs before validation. */
export function expansionError(document: DocumentNode, max: number): GraphQLError | null {
  const n = expandedSelections(document, max);
  if (n <= max) return null;
  return new QueryTooComplexError(`查询展开过大 (the operation expands to more than ${max} selections through its fragments)`, { maxExpandedSelections: max });
}

/**
 * The HTTP path's depth, alias and cost limits (limits/query-cost.ts), for an operation already
 * known to expand to at most `maxExpandedSelections` (so measuring it is bounded too).
 */
export function operationLimitError(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: Record<string, unknown>,
  l: SubscriptionLimits,
  /** Aliases the hydration query adds of its own (it passes the same limits on the HTTP path). */
  hydrationAliases = 0,
): GraphQLError | null {
  const measured = measureOperation(schema, document, operationName, variables, l.defaultListSize);
  const m = { ...measured, aliases: measured.aliases + hydrationAliases };
  if (m.depth > l.maxDepth) return new QueryTooComplexError(`查询嵌套过深 (query depth ${m.depth} exceeds the limit ${l.maxDepth})`, { depth: m.depth, maxDepth: l.maxDepth });
  if (m.aliases > l.maxAliases) {
    const own = hydrationAliases ? `, ${hydrationAliases} of them added by the hydration of each event` : '';
    return new QueryTooComplexError(`别名过多 (${m.aliases} aliases${own} exceed the limit ${l.maxAliases})`, { aliases: m.aliases, maxAliases: l.maxAliases });
  }
  if (m.cost > l.maxCost) return new QueryTooComplexError(`查询代价过高 (query cost ${m.cost} exceeds the budget ${l.maxCost})`, { cost: m.cost, limit: l.maxCost });
  return null;
}
