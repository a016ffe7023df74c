import { HeaderMap, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';

export const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json; charset=utf-8';
export const APPLICATION_JSON = 'application/json; charset=utf-8';

/**
 * GraphQL over HTTP (the GraphQL Foundation's spec): a client that accepts
 * `application/graphql-response+json` (any q above 0) gets that media type and its status codes
 * (a request error — unparseable, invalid, refused before execution — is 4xx); anything else
 * (`application/json`, `*\/*`, no Accept) gets `application/json`, where such errors answer 200
 * with the error in `errors`, which is what clients like Apollo Client read as a GraphQL error
 * rather than a network error.
 */
export function acceptsGraphQLResponse(accept: string | undefined): boolean {
  if (!accept) return false;
  return accept.split(',').some((range) => {
    const [type, ...params] = range.split(';').map((p) => p.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return type === 'application/graphql-response+json' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

/**
 * Statuses that stay whatever the media type: they are about the HTTP request, not a GraphQL
 * one (wrong method, body too large, media type not acceptable or not supported), or the
 * caller's identity.
 */
const HTTP_LEVEL_STATUSES = new Set([401, 405, 406, 413, 415]);

/**
 * A bad or expired token, refused before Apollo: 401 for a client that accepts
 * `application/graphql-response+json`; 200 with the error in `errors` for `application/json`
 * clients, which otherwise (Apollo Client among them) see only "status code 401" as a network
 * error and never the UNAUTHENTICATED code a console can act on.
 */
export function refusalFor(accept: string | undefined, status: number): { status: number; contentType: string } {
  if (acceptsGraphQLResponse(accept)) return { status, contentType: GRAPHQL_RESPONSE_JSON };
  return { status: status >= 400 && status < 500 ? 200 : status, contentType: APPLICATION_JSON };
}
/** Codes of a request the server could not read as GraphQL over HTTP at all: 400 in both media types. */
const HTTP_LEVEL_CODES = new Set(['BAD_REQUEST']);

/** A copy of `headers` with another content type: made only for an answer that is reshaped (most are not). */
function withContentType(headers: HeaderMap, contentType: string): HeaderMap {
  const copy = new HeaderMap(headers);
  copy.set('content-type', contentType);
  return copy;
}

/** Reshapes one of Apollo's answers for the client's media type (see acceptsGraphQLResponse). */
export function shapeForAccept(req: HTTPGraphQLRequest, res: HTTPGraphQLResponse): HTTPGraphQLResponse {
  if (res.body.kind !== 'complete') return res;
  if (acceptsGraphQLResponse(req.headers.get('accept'))) return { ...res, headers: withContentType(res.headers, GRAPHQL_RESPONSE_JSON) };
  const status = res.status ?? 200;
  if (status < 400 || status >= 500 || HTTP_LEVEL_STATUSES.has(status)) return res;
  let codes: string[];
  try {
    const body = JSON.parse(res.body.string) as { errors?: { extensions?: { code?: unknown } }[] };
    if (!Array.isArray(body.errors) || body.errors.length === 0) return res;
    codes = body.errors.map((e) => String(e.extensions?.code ?? ''));
  } catch {
    return res;
  }
  if (codes.some((c) => HTTP_LEVEL_CODES.has(c))) return res;
  return { ...res, status: 200, headers: withContentType(res.headers, APPLICATION_JSON) };
}
