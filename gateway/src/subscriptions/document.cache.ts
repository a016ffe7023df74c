import { GraphQLError, parse, validate, type DocumentNode, type GraphQLSchema } from 'graphql';

export interface CachedDocument {
  /** The query text every subscriber with this text shares (one string instead of one each). */
  readonly query: string;
  readonly document: DocumentNode | null;
  readonly errors: readonly GraphQLError[];
}

/**
 * Parsed and validated subscription documents by query text, least recently used out first.
 * The screens and consoles subscribe with a handful of documents, thousands of times each:
 * without this every socket kept its own AST (tokens and locations included, ~8 KB), and every
 * subscribe re-parsed and re-validated the same text.
 */
export class DocumentCache {
  private readonly entries = new Map<string, CachedDocument>();

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly max = 500,
  ) {}

  get size() {
    return this.entries.size;
  }

  get(query: string): CachedDocument {
    const hit = this.entries.get(query);
    if (hit) {
      this.entries.delete(query);
      this.entries.set(query, hit);
      return hit;
    }
    const entry = this.build(query);
    this.entries.set(entry.query, entry);
    if (this.entries.size > this.max) this.entries.delete(this.entries.keys().next().value!);
    return entry;
  }

  private build(query: string): CachedDocument {
    let located: DocumentNode;
    try {
      located = parse(query);
    } catch (e) {
      const err = e instanceof GraphQLError ? e : new GraphQLError(String(e));
      return { query, document: null, errors: [withCode(err, 'GRAPHQL_PARSE_FAILED')] };
    }
    const errors = validate(this.schema, located).map((e) => withCode(e, 'GRAPHQL_VALIDATION_FAILED'));
    if (errors.length) return { query, document: null, errors };
    // The kept AST goes without locations (and their token lists): errors that need positions
    // were reported above, from the located parse.
    return { query, document: parse(query, { noLocation: true }), errors };
  }
}

const withCode = (e: GraphQLError, code: string) =>
  new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, path: e.path, extensions: { ...e.extensions, code } });
