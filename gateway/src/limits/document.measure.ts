import type { DocumentNode, GraphQLSchema } from 'graphql';
import { DEFAULT_QUERY_LIMITS, measureOperationFigures, pickOperation, type OperationFigures } from './query-cost';

/** Per operation of a document: the variables its cost depends on, and the figures per their values. */
interface OperationEntry {
  firstVariables: string[];
  byValues: Map<string, OperationFigures>;
}

interface DocumentEntry {
  schema: GraphQLSchema;
  defaultListSize: number;
  operations: Map<string, OperationEntry>;
}

/** Distinct `first` values remembered per operation; past it the oldest go (a client paging with ever-new sizes). */
const VALUES_PER_OPERATION = 32;

// Keyed by the document object: an entry lives exactly as long as its document, which Apollo's
// documentStore (an LRU bounded at 30 MiB by size), the limits' parsed-document cache (bounded
// by bytes) or the subscription engine holds. The map itself keeps nothing alive.
const measured = new WeakMap<DocumentNode, DocumentEntry>();

const NO_OPERATION: OperationFigures = { depth: 0, aliases: 0, directives: 0, cost: 0 };

/**
 * The figures the query limits judge — depth, aliases, directives, cost — of one operation of a
 * document, computed once per document (and per value of the variables feeding `first`), each
 * fragment once. For HTTP (the limits guard and plugin) and for the WebSocket subscription
 * engine, which calls it with the documents it parsed itself.
 */
export function measureDocument(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName?: string | null,
  variables: Record<string, unknown> = {},
  defaultListSize = DEFAULT_QUERY_LIMITS.defaultListSize,
): OperationFigures {
  let entry = measured.get(document);
  if (!entry || entry.schema !== schema || entry.defaultListSize !== defaultListSize) {
    entry = { schema, defaultListSize, operations: new Map() };
    measured.set(document, entry);
  }
  const operation = pickOperation(document, operationName);
  if (!operation) return NO_OPERATION;
  const opKey = operationName ?? '';
  const known = entry.operations.get(opKey);
  if (known) {
    const key = valuesKey(known.firstVariables, variables);
    const hit = known.byValues.get(key);
    if (hit) return hit;
    const figures = measureOperationFigures(schema, document, operation, variables, defaultListSize);
    remember(known, key, figures);
    return figures;
  }
  const used = new Set<string>();
  const figures = measureOperationFigures(schema, document, operation, variables, defaultListSize, used);
  const created: OperationEntry = { firstVariables: [...used].sort(), byValues: new Map() };
  remember(created, valuesKey(created.firstVariables, variables), figures);
  entry.operations.set(opKey, created);
  return figures;
}

// A left-out variable takes its default, an explicit null does not: they key apart.
const valuesKey = (names: string[], variables: Record<string, unknown>) => (names.length ? JSON.stringify(names.map((n) => (variables[n] === undefined ? { default: true } : variables[n]))) : '');

function remember(entry: OperationEntry, key: string, figures: OperationFigures) {
  if (entry.byValues.size >= VALUES_PER_OPERATION) entry.byValues.delete(entry.byValues.keys().next().value!);
  entry.byValues.set(key, figures);
}
