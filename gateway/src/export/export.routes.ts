import { Readable } from 'node:stream';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ForbiddenError, hasRole, PlazaError, REQUEST_ID_HEADER, sendJson, signIdentity, traceHeaders, viewerFromAuthorization, type Logger, type Route, UnauthenticatedError } from '@plaza/shared';

/** Each export lives with the subgraph that owns its rows; the gateway checks the token and streams it through. */
export const EXPORTS: Record<string, string> = {
  '/export/issues.csv': 'issues',
  '/export/departments.csv': 'issues',
  '/export/sessions.csv': 'sessions',
  '/export/activities.csv': 'volunteering',
};

export interface ExportRouteOptions {
  subgraphs: Record<string, string>;
  jwtSecret: string;
  gatewaySecret: string;
  log: Logger;
}

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403 };

/**
 * GET /export/*.csv for ANALYST and ADMIN tokens. The body is piped, never buffered, so a
 * 100,000-row export costs the gateway one chunk of memory at a time; a client that leaves
 * aborts the subgraph's stream.
 */
export function exportRoutes(o: ExportRouteOptions): Record<string, Route> {
  const routes: Record<string, Route> = {};
  for (const [path, subgraph] of Object.entries(EXPORTS)) {
    const target = o.subgraphs[subgraph];
    if (!target) continue;
    routes[path] = (req, res, url) => proxyExport(o, new URL(path + url.search, target), req, res);
  }
  return routes;
}

async function proxyExport(o: ExportRouteOptions, target: URL, req: IncomingMessage, res: ServerResponse) {
  let viewer;
  try {
    viewer = await viewerFromAuthorization(req.headers.authorization, o.jwtSecret);
    if (!viewer.id) throw new UnauthenticatedError('请先登录 (export requires a bearer token)');
    if (!hasRole(viewer, 'ANALYST', 'ADMIN')) throw new ForbiddenError('导出仅限分析人员 (export requires ANALYST or ADMIN)');
  } catch (e) {
    if (e instanceof PlazaError) return sendJson(res, STATUS[e.code] ?? 400, { errors: [{ message: e.message, extensions: e.extensions }] });
    throw e;
  }
  const abort = new AbortController();
  res.on('close', () => abort.abort());
  const requestId = String(res.getHeader(REQUEST_ID_HEADER) ?? '');
  let upstream: Response;
  try {
    upstream = await fetch(target, {
      headers: { ...signIdentity(viewer, o.gatewaySecret), [REQUEST_ID_HEADER]: requestId, ...traceHeaders() },
      signal: abort.signal,
    });
  } catch (e) {
    if (abort.signal.aborted) return;
    o.log.warn({ err: e, requestId, target: target.origin }, 'export: subgraph unreachable');
    return sendJson(res, 503, { errors: [{ message: '导出服务暂不可用，请稍后再试 (the owning service did not answer; try again)', extensions: { code: 'SERVICE_UNAVAILABLE' } }] });
  }
  const headers: Record<string, string> = {};
  for (const h of ['content-type', 'content-disposition', 'cache-control']) {
    const v = upstream.headers.get(h);
    if (v) headers[h] = v;
  }
  res.writeHead(upstream.status, headers);
  if (!upstream.body) return void res.end();
  const body = Readable.fromWeb(upstream.body as import('node:stream/web').ReadableStream);
  body.on('error', (e) => {
    if (!abort.signal.aborted) o.log.warn({ err: e, requestId }, 'export stream broke');
    res.destroy();
  });
  body.pipe(res);
}
