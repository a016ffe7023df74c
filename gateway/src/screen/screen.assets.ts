import { readFile } from 'node:fs/promises';
import { extname, join } from 'node:path';
import type { ServerResponse } from 'node:http';
import { sendJson, type Route } from '@plaza/shared';

/**
 * Where scripts/bundle.mjs writes the browser bundles (from src/… and from dist/… alike):
 * gateway/dist/public/<name>/…. Served from here, never from a CDN.
 */
export const PUBLIC_DIR = join(__dirname, '..', '..', 'dist', 'public');

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.ttf': 'font/ttf',
  '.map': 'application/json; charset=utf-8',
};

/** Security headers for our pages: everything from this origin, nothing from elsewhere. */
export const PAGE_HEADERS = {
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'cache-control': 'no-cache',
};

export function sendHtml(res: ServerResponse, status: number, html: string, csp: string) {
  res.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'content-length': Buffer.byteLength(html),
    'content-security-policy': csp,
    ...PAGE_HEADERS,
  });
  res.end(html);
}

/**
 * GET routes for bundled files: `urlPrefix + file` -> PUBLIC_DIR/<dir>/<file>. Read once, then
 * kept in memory; a missing bundle answers 503 naming the build step, not a bare 404.
 */
export function assetRoutes(urlPrefix: string, dir: string, files: string[]): Record<string, Route> {
  const cache = new Map<string, Buffer>();
  const routes: Record<string, Route> = {};
  for (const file of files) {
    routes[`${urlPrefix}${file}`] = async (_req, res) => {
      let body = cache.get(file);
      if (!body) {
        try {
          body = await readFile(join(PUBLIC_DIR, dir, file));
        } catch {
          return sendJson(res, 503, { error: `${dir}/${file} is not built: run \`npm run build -w @plaza/gateway\`` });
        }
        cache.set(file, body);
      }
      res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'content-length': body.length, ...PAGE_HEADERS });
      res.end(body);
    };
  }
  return routes;
}

/** For a value written into a `<script type="application/json">`: `<` can never close the tag. */
export const jsonForScript = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

export const escapeHtml = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
