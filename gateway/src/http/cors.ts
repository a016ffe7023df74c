import type { IncomingMessage, ServerResponse } from 'node:http';
import { pathAndSearch } from '@plaza/shared';

/**
 * Which browser origins may call the gateway: a list of exact origins (`https://console.example`),
 * or `'*'` for any. Answered with credentials, so `'*'` echoes the caller's origin rather than
 * sending a literal `*` (which browsers refuse with credentials).
 */
export type CorsOrigins = '*' | readonly string[];

/** The headers a console sends: auth, JSON, our request id, Apollo Client's CSRF and client headers. */
export const CORS_ALLOW_HEADERS = [
  'authorization',
  'content-type',
  'accept',
  'x-request-id',
  'apollo-require-preflight',
  'x-apollo-operation-name',
  'apollographql-client-name',
  'apollographql-client-version',
] as const;
/** What a browser script may read of our answers. */
export const CORS_EXPOSE_HEADERS = ['x-request-id', 'retry-after'] as const;
/** Preflights cached by the browser this long (seconds). */
export const CORS_MAX_AGE = 600;

/** CORS applies to the API only: GraphQL over HTTP and the CSV exports, not the screen or GraphiQL. */
export const isCorsPath = (path: string) => path === '/graphql' || /^\/export\/[^/]+\.csv$/.test(path);

/**
 * CORS_ORIGINS as read from the environment: unset means any origin outside production and none
 * in production (a deployment names its consoles); `*` any; else a comma-separated list.
 */
export function parseCorsOrigins(raw: string | undefined, production: boolean): CorsOrigins {
  if (raw === undefined) return production ? [] : '*';
  const list = raw
    .split(',')
    .map((o) => o.trim().replace(/\/+$/, ''))
    .filter(Boolean);
  return list.includes('*') ? '*' : list;
}

/**
 * The gateway's CORS, in front of the shared request handler (subgraphs are never called by
 * browsers and answer no CORS). Returns true when it answered the request itself (a preflight).
 */
export function corsHandler(origins: CorsOrigins): (req: IncomingMessage, res: ServerResponse) => boolean {
  const allowed = (origin: string) => origins === '*' || origins.includes(origin);
  return (req, res) => {
    const origin = req.headers.origin;
    // No Origin (phones' apps, servers, the screen's own page): nothing to decide, no URL to parse.
    if (!origin || !isCorsPath(pathAndSearch(req.url).pathname)) return false;
    const ok = allowed(origin);
    if (ok) {
      res.setHeader('access-control-allow-origin', origin);
      res.setHeader('access-control-allow-credentials', 'true');
      res.setHeader('access-control-expose-headers', CORS_EXPOSE_HEADERS.join(', '));
    }
    // The answer depends on Origin: no cache may hand one origin's answer to another.
    res.setHeader('vary', 'Origin');
    if (req.method !== 'OPTIONS' || !req.headers['access-control-request-method']) return false;
    // A refused origin gets a preflight without the allow headers: the browser then blocks the call.
    if (ok) {
      res.setHeader('access-control-allow-methods', 'GET, POST, OPTIONS');
      res.setHeader('access-control-allow-headers', CORS_ALLOW_HEADERS.join(', '));
      res.setHeader('access-control-max-age', String(CORS_MAX_AGE));
    }
    res.writeHead(204, { 'content-length': '0' });
    res.end();
    return true;
  };
}
