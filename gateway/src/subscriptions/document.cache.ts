import { GraphQLError, parse, validate, visit, type DocumentNode, type GraphQLSchema } from 'graphql';
import { ByteLru } from './byte.lru';
import { DEFAULT_MAX_EXPANDED_SELECTIONS, expansionError } from './operation.limits';
import { checkSource, DEFAULT_QUERY_LIMITS, type QueryLimits } from '../limits';

export interface CachedDocument {
  /** Distinct per cached text: plans are keyed on it instead of on the (possibly large) text. */
  readonly id: number;
  /** The query text every subscriber with this text shares (one string instead of one each). */
  readonly query: string;
  readonly document: DocumentNode | null;
  readonly errors: readonly GraphQLError[];
  /** Estimated bytes the entry keeps alive (text and AST). */
  readonly bytes: number;
  /** Live subscriptions using it: while any does, it is the last to be let go of. */
  users: number;
}

export interface DocumentCacheOptions {
  /** Bytes of text and AST kept for documents no longer in use. Default 4 MB. */
  budgetBytes?: number;
  /** Refuse (QUERY_TOO_COMPLEX) before validation when fragments expand past this. Default 10,000. */
  maxExpandedSelections?: number;
  /** Document bytes and tokens, judged on the text before parsing, as for HTTP. Default DEFAULT_QUERY_LIMITS. */
  sourceLimits?: Pick<QueryLimits, 'maxTokens' | 'maxDocumentBytes'>;
}

/** Rough V8 sizes: a string costs up to 2 bytes a character, an AST node ~100 bytes with its fields. */
const BYTES_PER_CHAR = 2;
const BYTES_PER_NODE = 100;

/**
 * Parsed and validated subscription documents by query text, least recently used out first,
 * bounded by bytes (a count would let 500 documents of 2 MB each — the message cap — hold 1 GB).
 * The screens and consoles subscribe with a handful of documents, thousands of times each:
 * without this every socket kept its own AST (tokens and locations included, ~8 KB), and every
 * subscribe re-parsed and re-validated the same text.
 */
export class DocumentCache {
  private readonly entries: ByteLru<string, CachedDocument>;
  private readonly maxExpanded: number;
  private readonly sourceLimits: Pick<QueryLimits, 'maxTokens' | 'maxDocumentBytes'>;
  private nextId = 1;

  constructor(
    private readonly schema: GraphQLSchema,
    o: DocumentCacheOptions = {},
  ) {
    this.entries = new ByteLru(o.budgetBytes ?? 4 * 1024 * 1024, (e) => e.users > 0);
    this.maxExpanded = o.maxExpandedSelections ?? DEFAULT_MAX_EXPANDED_SELECTIONS;
    this.sourceLimits = o.sourceLimits ?? DEFAULT_QUERY_LIMITS;
  }

  get size() {
    return this.entries.size;
  }

  /** Estimated bytes held by the cached entries. */
  get bytes() {
    return this.entries.bytes;
  }

  get(query: string): CachedDocument {
    const hit = this.entries.get(query);
    if (hit) return hit;
    const entry = this.build(query);
    this.entries.set(entry.query, entry, entry.bytes);
    return entry;
  }

  /** A subscription stopped using `entry`: it may go once the cache is over budget. */
  release(entry: CachedDocument) {
    entry.users = Math.max(0, entry.users - 1);
    this.entries.trim();
  }

  private build(query: string): CachedDocument {
    const id = this.nextId++;
    const failed = (errors: GraphQLError[]): CachedDocument => ({
      id,
      query,
      document: null,
      errors,
      users: 0,
      bytes: (query.length + errors.reduce((n, e) => n + e.message.length, 0)) * BYTES_PER_CHAR + errors.length * BYTES_PER_NODE,
    });
    // The same size and token limits as HTTP, before the lexer and parser walk the whole text.
    try {
      checkSource(query, this.sourceLimits);
    } catch (e) {
      return failed([e as GraphQLError]);
    }
    let located: DocumentNode;
    try {
      located = parse(query);
    } catch (e) {
      const err = e instanceof GraphQLError ? e : new GraphQLError(String(e));
      return failed([withCode(err, 'GRAPHQL_PARSE_FAILED')]);
    }
    // Before validation, which (like planning) would walk every expansion of the fragments.
    const tooBig = expansionError(located, this.maxExpanded);
    if (tooBig) return failed([tooBig]);
    const errors = validate(this.schema, located).map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
    if (errors.length) return failed(errors);
    // The kept AST goes without locations (and their token lists): errors that need positions
    // were reported above, from the located parse.
    const document = parse(query, { noLocation: true });
    let nodes = 0;
    visit(document, { enter: () => void nodes++ });
    // The text twice: the key, and the names and string values the AST holds.
    return { id, query, document, errors, users: 0, bytes: 2 * query.length * BYTES_PER_CHAR + nodes * BYTES_PER_NODE };
  }
}

const withCode = (e: GraphQLError, code: string) => new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions: { ...e.extensions, code } });
