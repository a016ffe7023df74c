import { Lexer, Source, TokenKind } from 'graphql';
import { QueryTooComplexError } from '@plaza/shared';
import type { OperationFigures, QueryLimits } from './query-cost';

// Every refusal here is a client's document, answered 400 — the same for each limit.
const http = { status: 400 };

/**
 * Lexical tokens in `source`, counting no further than `stopAfter` + 1: a 2 MB document of
 * `__typename` costs as much as one just over the limit. Comments are not tokens (as in
 * graphql's `parse(source, { maxTokens })`). A lexing error stops the count; the parser reports it.
 */
export function countTokens(source: string, stopAfter: number): number {
  const lexer = new Lexer(new Source(source));
  let n = 0;
  try {
    while (n <= stopAfter && lexer.advance().kind !== TokenKind.EOF) n++;
  } catch {
    /* a syntax error: Apollo's parse answers it as GRAPHQL_PARSE_FAILED with its location */
  }
  return n;
}

/**
 * Refuses a document by its text, before it is parsed: over `maxDocumentBytes` UTF-8 bytes, or
 * over `maxTokens` tokens — QUERY_TOO_COMPLEX (HTTP 400) with the figure and the limit. Both are
 * cheap and bounded: the byte length, then at most `maxTokens` + 1 tokens lexed.
 */
export function checkSource(source: string, limits: Pick<QueryLimits, 'maxTokens' | 'maxDocumentBytes'>): void {
  // Three bytes at most per UTF-16 unit: most documents skip the byte count.
  if (source.length * 3 > limits.maxDocumentBytes) {
    const bytes = Buffer.byteLength(source, 'utf8');
    if (bytes > limits.maxDocumentBytes) {
      throw new QueryTooComplexError(`查询文本过长 (the document has ${bytes} bytes; the limit is ${limits.maxDocumentBytes})`, {
        bytes,
        maxBytes: limits.maxDocumentBytes,
        http,
      });
    }
  }
  const tokens = countTokens(source, limits.maxTokens);
  if (tokens > limits.maxTokens) {
    throw new QueryTooComplexError(`查询文本过长 (the document has more than ${limits.maxTokens} tokens)`, {
      tokens,
      maxTokens: limits.maxTokens,
      http,
    });
  }
}

/** QUERY_TOO_COMPLEX (HTTP 400) with the computed figure and the limit when one is over. */
export function checkQueryLimits(m: OperationFigures, l: Pick<QueryLimits, 'maxDepth' | 'maxAliases' | 'maxDirectives' | 'maxCost'>): void {
  if (m.depth > l.maxDepth) {
    throw new QueryTooComplexError(`查询嵌套过深 (query depth ${m.depth} exceeds the limit ${l.maxDepth})`, { depth: m.depth, maxDepth: l.maxDepth, http });
  }
  if (m.aliases > l.maxAliases) {
    throw new QueryTooComplexError(`别名过多 (${m.aliases} aliases exceed the limit ${l.maxAliases})`, { aliases: m.aliases, maxAliases: l.maxAliases, http });
  }
  if (m.directives > l.maxDirectives) {
    throw new QueryTooComplexError(`指令过多 (${m.directives} directives exceed the limit ${l.maxDirectives})`, {
      directives: m.directives,
      maxDirectives: l.maxDirectives,
      http,
    });
  }
  if (m.cost > l.maxCost) {
    throw new QueryTooComplexError(`查询代价过高 (query cost ${m.cost} exceeds the budget ${l.maxCost})`, { cost: m.cost, limit: l.maxCost, http });
  }
}
