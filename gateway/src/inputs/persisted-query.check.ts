import { createHash } from 'node:crypto';
import type { HTTPGraphQLRequest } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import { BadRequestError } from '@plaza/shared';

const SHA256_HEX = /^[0-9a-f]{64}$/i;
const http = { status: 400 };

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function extensionsOf(req: HTTPGraphQLRequest): { extensions: unknown; query: unknown } {
  if (req.method === 'POST') return isRecord(req.body) ? { extensions: req.body.extensions, query: req.body.query } : { extensions: undefined, query: undefined };
  const params = new URLSearchParams(req.search);
  const raw = params.get('extensions');
  if (raw == null) return { extensions: undefined, query: params.get('query') ?? undefined };
  try {
    return { extensions: JSON.parse(raw), query: params.get('query') ?? undefined };
  } catch {
    return { extensions: raw, query: undefined };
  }
}

/**
 * Automatic persisted queries, checked before Apollo sees them: Apollo answers a wrong version
 * or a hash that does not match the query with an uncoded error (a 500 and INTERNAL_SERVER_ERROR
 * to the client). A persisted query needs `{ version: 1, sha256Hash: <64 hex> }`, and a query
 * sent with it must hash to it: BAD_REQUEST (400) otherwise.
 */
export function checkPersistedQuery(req: HTTPGraphQLRequest): GraphQLError | null {
  const { extensions, query } = extensionsOf(req);
  if (extensions === undefined || extensions === null) return null;
  if (!isRecord(extensions)) return new BadRequestError('extensions 必须是对象 (extensions must be a JSON object)', { http });
  const pq = extensions.persistedQuery;
  if (pq === undefined) return null;
  if (!isRecord(pq) || pq.version !== 1 || typeof pq.sha256Hash !== 'string' || !SHA256_HEX.test(pq.sha256Hash)) {
    return new BadRequestError('persistedQuery 需要 { version: 1, sha256Hash: <64 位十六进制> } (persistedQuery needs version 1 and a sha256Hash of 64 hex digits)', { http });
  }
  if (typeof query === 'string' && createHash('sha256').update(query).digest('hex') !== pq.sha256Hash.toLowerCase()) {
    return new BadRequestError('persistedQuery.sha256Hash 与 query 不符 (the sha256Hash does not match the query)', { http });
  }
  return null;
}
