import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { HeaderMap, type ApolloServer, type BaseContext } from '@apollo/server';
import type { Logger } from 'pino';
import { PlazaError } from './errors';
import { REQUEST_ID_HEADER } from './identity';
import { encodeFrame, MULTIPLEX_CONTENT_TYPE, MULTIPLEX_HEADER, readParts, type MultiplexFrame, type MultiplexPart } from './multiplex';
import { annotateActiveSpan, tracePart, traceRequests } from './tracing';

/** Largest request body accepted. Default 2 MiB: a GraphQL document, not a file upload. */
export const MAX_BODY_BYTES = 2 * 1024 * 1024;

export type Route = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>;

export interface HttpAppOptions<C extends BaseContext> {
  apollo: ApolloServer<C>;
  /** Builds the per-request context; a PlazaError thrown here answers as a GraphQL error. */
  context: (req: IncomingMessage, requestId: string) => Promise<C>;
  log: Logger;
  /** Extra GET routes, e.g. `/health`, `/ready`. */
  routes?: Record<string, Route>;
  /** Default `/graphql`. */
  path?: string;
  /**
   * How a refusal thrown by `context` is answered, by the request and the error's code: its
   * status and content type. Default: UNAUTHENTICATED 401, FORBIDDEN 403, RATE_LIMITED 429,
   * others 400, as `application/json`.
   */
  refusal?: (req: IncomingMessage, code: string, status: number) => { status: number; contentType: string };
  /**
   * Serve multiplexed calls (multiplex.ts): each part's context is built from that part's own
   * headers. Only for a server whose every caller signs each part (the subgraphs); unset, a
   * request asking for it is refused.
   */
  multiplex?: { context: (header: (name: string) => string | undefined, requestId: string) => Promise<C> };
}

export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

const HTTP_STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403, RATE_LIMITED: 429 };

/** A refusal's status and GraphQL error body; anything not a PlazaError is an internal error, worded for nobody. */
function errorAnswer(e: unknown): { status: number; body: { errors: { message: string; extensions: Record<string, unknown> }[] } } {
  if (e instanceof PlazaError) return { status: HTTP_STATUS[e.code] ?? 400, body: { errors: [{ message: e.message, extensions: e.extensions }] } };
  return { status: 500, body: { errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }] } };
}

class BodyError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Past the cap a body is still read to its end (kept nowhere) so the client, which is still
 * sending, gets the 413 instead of a reset connection; a body past 8 times the cap is not worth
 * reading and its connection is cut.
 */
const DRAIN_LIMIT_BYTES = 8 * MAX_BODY_BYTES;
const utf8 = new TextDecoder('utf-8', { fatal: true });

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let size = 0;
    let over = false;
    let ended = false;
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (over) {
        if (size > DRAIN_LIMIT_BYTES) req.destroy();
        return;
      }
      if (size > MAX_BODY_BYTES) {
        over = true;
        chunks.length = 0;
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => {
      ended = true;
      if (over) return reject(new BodyError(413, `请求体过大 (request body over ${MAX_BODY_BYTES} bytes)`));
      try {
        // Invalid UTF-8 would otherwise become U+FFFD silently: what a user sent must not change.
        resolve(utf8.decode(Buffer.concat(chunks)));
      } catch {
        reject(new BodyError(400, '请求体不是有效的 UTF-8 (request body is not valid UTF-8)'));
      }
    });
    req.on('close', () => ended || reject(new BodyError(400, 'request body ended early')));
    req.on('error', reject);
  });
}

// A request target that is a plain absolute path (letters, digits, `-`, `_`, `/`; not `//…`, which
// would name a host): WHATWG URL parsing leaves it as it is, with no search.
const PLAIN_PATH = /^\/(?!\/)[A-Za-z0-9_\-/]*$/;

/**
 * `new URL(target, 'http://localhost')`'s pathname and search, without building a URL for the
 * plain path nearly every request has (three URLs per request were ~1.5% of the gateway's CPU in
 * a burst of votes); any other target is parsed by URL itself.
 */
export function pathAndSearch(target: string | undefined): { pathname: string; search: string } {
  const raw = target ?? '/';
  if (PLAIN_PATH.test(raw)) return { pathname: raw, search: '' };
  const { pathname, search } = new URL(raw, 'http://localhost');
  return { pathname, search };
}

/** A request handler serving Apollo at `path` plus plain routes; every request gets an id. */
export function createRequestHandler<C extends BaseContext>(o: HttpAppOptions<C>) {
  const path = o.path ?? '/graphql';
  return traceRequests(async (req: IncomingMessage, res: ServerResponse) => {
    const requestId = (req.headers[REQUEST_ID_HEADER] as string | undefined)?.slice(0, 100) || randomUUID();
    res.setHeader(REQUEST_ID_HEADER, requestId);
    const url = pathAndSearch(req.url);
    try {
      const route = o.routes?.[url.pathname];
      if (route && req.method === 'GET') return await route(req, res, new URL(req.url ?? '/', 'http://localhost'));
      if (url.pathname !== path) return sendJson(res, 404, { error: 'not found' });
      if (req.method !== 'GET' && req.method !== 'POST') return sendJson(res, 405, { error: 'method not allowed' }, { allow: 'GET, POST' });

      const raw = req.method === 'POST' ? await readBody(req) : '';
      let body: unknown = raw;
      if ((req.headers['content-type'] ?? '').includes('application/json')) {
        try {
          body = raw ? JSON.parse(raw) : {};
        } catch {
          return sendJson(res, 400, { errors: [{ message: 'request body is not valid JSON', extensions: { code: 'BAD_REQUEST' } }] });
        }
      }
      annotateActiveSpan({ 'plaza.request_id': requestId });
      // Only where configured (the subgraphs): elsewhere the header means nothing.
      if (o.multiplex && req.headers[MULTIPLEX_HEADER] !== undefined && req.method === 'POST') {
        const parts = readParts(body);
        if (!parts) return sendJson(res, 400, { errors: [{ message: 'not a multiplexed request', extensions: { code: 'BAD_REQUEST' } }] });
        return await serveMultiplexed(o, parts, res);
      }
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);

      let context: C;
      try {
        context = await o.context(req, requestId);
      } catch (e) {
        if (e instanceof PlazaError) {
          const { status, body } = errorAnswer(e);
          const shaped = o.refusal?.(req, e.code, status);
          return sendJson(res, shaped?.status ?? status, body, shaped ? { 'content-type': shaped.contentType } : {});
        }
        throw e;
      }
      const result = await o.apollo.executeHTTPGraphQLRequest({
        httpGraphQLRequest: { method: req.method, headers, search: url.search, body },
        context: async () => context,
      });
      for (const [k, v] of result.headers) res.setHeader(k, v);
      res.statusCode = result.status ?? 200;
      if (result.body.kind === 'complete') {
        res.end(result.body.string);
      } else {
        for await (const chunk of result.body.asyncIterator) res.write(chunk);
        res.end();
      }
    } catch (e) {
      if (e instanceof BodyError) {
        if (res.headersSent || res.destroyed) return;
        return sendJson(res, e.status, { errors: [{ message: e.message, extensions: { code: 'BAD_REQUEST' } }] }, e.status === 413 ? { connection: 'close' } : {});
      }
      o.log.error({ err: e, requestId }, 'request failed');
      if (!res.headersSent) sendJson(res, 500, errorAnswer(e).body);
      else res.end();
    }
  });
}

/**
 * Runs each part as if it had come alone (its own context from its own headers) and streams its
 * answer as a frame the moment it is ready. A part's failure is that part's answer, never the
 * others'.
 */
async function serveMultiplexed<C extends BaseContext>(o: HttpAppOptions<C>, parts: MultiplexPart[], res: ServerResponse): Promise<void> {
  res.writeHead(200, { 'content-type': MULTIPLEX_CONTENT_TYPE, 'cache-control': 'no-store' });
  const runPart = async (part: MultiplexPart, i: number): Promise<MultiplexFrame> => {
    const header = (name: string): string | undefined => part.headers[name];
    const requestId = header(REQUEST_ID_HEADER)?.slice(0, 100) || randomUUID();
    annotateActiveSpan({ 'plaza.request_id': requestId });
    try {
      const context = await o.multiplex!.context(header, requestId);
      const headers = new HeaderMap();
      for (const [k, v] of Object.entries(part.headers)) headers.set(k.toLowerCase(), v);
      headers.set('content-type', 'application/json');
      const result = await o.apollo.executeHTTPGraphQLRequest({ httpGraphQLRequest: { method: 'POST', headers, search: '', body: part.body }, context: async () => context });
      let text = '';
      if (result.body.kind === 'complete') text = result.body.string;
      else for await (const chunk of result.body.asyncIterator) text += chunk;
      return { part: i, status: result.status ?? 200, contentType: result.headers.get('content-type') ?? 'application/json', cacheControl: result.headers.get('cache-control'), body: text };
    } catch (e) {
      if (!(e instanceof PlazaError)) o.log.error({ err: e, requestId }, 'multiplexed part failed');
      const { status, body } = errorAnswer(e);
      return { part: i, status, contentType: 'application/json; charset=utf-8', cacheControl: undefined, body: JSON.stringify(body) };
    }
  };
  // Frames finished in the same turn leave in one socket write.
  let corked = false;
  const write = (frame: MultiplexFrame) => {
    if (res.destroyed) return;
    if (!corked) {
      corked = true;
      res.cork();
      process.nextTick(() => {
        corked = false;
        res.uncork();
      });
    }
    res.write(encodeFrame(frame));
  };
  await Promise.all(parts.map(async (part, i) => write(await tracePart(part.headers, () => runPart(part, i)))));
  res.end();
}

/**
 * How long a client may take to send one request. A request is a few KB at most, yet Node waits
 * 5 minutes for a whole request by default: a phone, or a script posing as thousands of phones,
 * that trickles its headers or body a byte at a time holds a socket and its buffers that long, and
 * enough of them run the process out of file descriptors. Past these limits Node answers 408 and
 * closes the socket. Idle keep-alive sockets are not affected (only a request being received is),
 * nor anything after a request is in: slow answers, CSV streams, WebSockets.
 */
export interface ClientTimeouts {
  /** Headers complete within this (ms). */
  headersMs: number;
  /** The whole request, body included, within this (ms). */
  requestMs: number;
  /** How often sockets are checked against both (ms); a late request is cut off up to this much later. */
  checkEveryMs: number;
}

export const CLIENT_TIMEOUTS: ClientTimeouts = { headersMs: 15_000, requestMs: 30_000, checkEveryMs: 2_000 };

/** An HTTP server with the client timeouts above and keep-alive longer than load balancers' (60 s). */
export function createPlainServer(handler: (req: IncomingMessage, res: ServerResponse) => void, t: ClientTimeouts = CLIENT_TIMEOUTS): Server {
  const server = createServer({ headersTimeout: t.headersMs, requestTimeout: t.requestMs, connectionsCheckingInterval: t.checkEveryMs }, handler);
  server.keepAliveTimeout = 65_000;
  return server;
}

export function createHttpServer<C extends BaseContext>(o: HttpAppOptions<C>): Server {
  // One handler for every request (it was built per request).
  const handle = createRequestHandler(o);
  return createPlainServer((req, res) => void handle(req, res));
}

/** Listens and resolves with the bound port (pass 0 for any free port). */
export function listen(server: Server, port: number, host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Stops accepting, lets in-flight requests finish (up to `graceMs`), then closes idle sockets. */
export function closeServer(server: Server, graceMs = 5000): Promise<void> {
  return new Promise((resolve) => {
    if (!server.listening) return resolve();
    const timer = setTimeout(() => server.closeAllConnections(), graceMs);
    timer.unref();
    server.close(() => {
      clearTimeout(timer);
      resolve();
    });
    server.closeIdleConnections();
  });
}
