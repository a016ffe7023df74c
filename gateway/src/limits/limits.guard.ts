import { Kind, parse, type GraphQLError, type GraphQLSchema, type OperationTypeNode } from 'graphql';
import { QueryTooComplexError } from '@plaza/shared';
import type { HTTPGraphQLRequest } from '@apollo/server';
import { ParsedDocumentCache } from './parsed-document.cache';
import { measureDocument } from './document.measure';
import { checkQueryLimits, checkSource } from './query-limits';
import type { QueryLimits } from './query-cost';

interface OperationRequest {
  query: string;
  operationName?: string;
  variables: Record<string, unknown>;
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The single operation an HTTP request carries (POST JSON body or GET parameters), or null when there is none to judge. */
export function operationOf(req: HTTPGraphQLRequest): OperationRequest | null {
  if (req.method === 'POST') {
    const body = req.body;
    if (!isRecord(body) || typeof body.query !== 'string') return null;
    return {
      query: body.query,
      operationName: typeof body.operationName === 'string' ? body.operationName : undefined,
      variables: isRecord(body.variables) ? body.variables : {},
    };
  }
  const params = new URLSearchParams(req.search);
  const query = params.get('query');
  if (query == null) return null;
  let variables: unknown = {};
  try {
    variables = JSON.parse(params.get('variables') ?? '{}');
  } catch {
    /* Apollo answers the malformed parameter itself */
  }
  return { query, operationName: params.get('operationName') ?? undefined, variables: isRecord(variables) ? variables : {} };
}

/**
 * The query limits, judged on the request before Apollo hashes, parses or validates the
 * document: bytes and tokens on the text, then depth, aliases, directives and cost on the parsed
 * document (each fragment measured once). Validation is the expensive step it spares — graphql's
 * overlapping-fields rule is quadratic in repeated fields (`{ issues{totalCount} ×500 }`: 72 ms).
 * What it cannot see (persisted-query hashes, batches) the queryLimitsPlugin judges after validation.
 */
export class LimitsGuard {
  private readonly documents: ParsedDocumentCache;

  constructor(
    private readonly limits: QueryLimits,
    private readonly schema: () => GraphQLSchema | null,
    cacheBytes?: number,
  ) {
    this.documents = new ParsedDocumentCache(cacheBytes);
  }

  /** The error to answer with, or null to let Apollo go on. */
  check(req: HTTPGraphQLRequest): GraphQLError | null {
    const op = operationOf(req);
    const schema = this.schema();
    if (!op || !schema) return null;
    let document = this.documents.get(op.query);
    try {
      if (!document) {
        checkSource(op.query, this.limits);
        try {
          document = parse(op.query, { noLocation: true, maxTokens: this.limits.maxTokens });
        } catch {
          return null; // a syntax error: Apollo answers it with its location
        }
        this.documents.set(op.query, document);
      }
      checkQueryLimits(measureDocument(schema, document, op.operationName, op.variables, this.limits.defaultListSize), this.limits);
      return null;
    } catch (e) {
      if (e instanceof QueryTooComplexError) return e;
      throw e;
    }
  }

  /**
   * The kind of operation `query` selects, from a document this guard already parsed and judged
   * (null for any other: nothing is parsed here, so an unjudged document costs nothing).
   */
  operationKind(query: string, operationName: unknown): OperationTypeNode | null {
    const document = this.documents.get(query);
    if (!document) return null;
    let found: OperationTypeNode | null = null;
    let operations = 0;
    for (const d of document.definitions) {
      if (d.kind !== Kind.OPERATION_DEFINITION) continue;
      operations++;
      if (operationName == null || d.name?.value === operationName) found = d.operation;
    }
    return operationName == null && operations !== 1 ? null : found;
  }
}
