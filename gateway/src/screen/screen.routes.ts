import type { IncomingMessage } from 'node:http';
import QRCode from 'qrcode';
import { isUuid, sendJson, type Route } from '@plaza/shared';
import { assetRoutes, PAGE_HEADERS, sendHtml } from './screen.assets';
import { SCREEN_CSP, screenPage, supportPage } from './screen.html';

export interface ScreenRouteOptions {
  /** JWT with role SCREEN written into the page. Default env PLAZA_SCREEN_TOKEN; none: anonymous. */
  screenToken?: string | null;
  /** Origin phones reach the gateway at, for the QR code. Default env PLAZA_PUBLIC_URL, else the request's Host. */
  publicUrl?: string | null;
}

/** The bundles scripts/bundle.mjs writes to dist/public/screen. */
export const SCREEN_ASSETS = ['screen.js', 'screen.css', 'support.js', 'support.css'];

/** An id from the query string, or null; a malformed one is a 400, not a page that never loads. */
function idParam(url: URL, name: string): string | null | Error {
  const v = url.searchParams.get(name);
  if (v == null || v === '') return null;
  if (isUuid(v)) return v;
  return new Error(`${name} must be a uuid, got ${JSON.stringify(String(v).slice(0, 60))}`);
}

function originOf(req: IncomingMessage, publicUrl: string | null | undefined): string {
  if (publicUrl) return publicUrl.replace(/\/+$/, '');
  const proto =
    String(req.headers['x-forwarded-proto'] ?? '')
      .split(',')[0]
      ?.trim() === 'https'
      ? 'https'
      : 'http';
  return `${proto}://${req.headers.host ?? 'localhost'}`;
}

/**
 * GET /screen?session=<id> | ?community=<id> — the plaza screen; GET /screen/support?session=<id>
 * — the phone page its QR code opens; GET /screen/qr.svg?session=<id> — that QR code, drawn here
 * as SVG; plus the bundled scripts and styles. The pages read data through /graphql and
 * ws /graphql like any client.
 */
export function screenRoutes(o: ScreenRouteOptions = {}): Record<string, Route> {
  const screenToken = o.screenToken ?? null;
  const publicUrl = o.publicUrl ?? null;
  return {
    ...assetRoutes('/screen/', 'screen', SCREEN_ASSETS),
    '/screen': (_req, res, url) => {
      const sessionId = idParam(url, 'session');
      const communityId = idParam(url, 'community');
      if (sessionId instanceof Error) return sendJson(res, 400, { error: sessionId.message });
      if (communityId instanceof Error) return sendJson(res, 400, { error: communityId.message });
      sendHtml(res, 200, screenPage({ sessionId, communityId, screenToken }), SCREEN_CSP);
    },
    '/screen/support': (_req, res, url) => {
      const sessionId = idParam(url, 'session');
      if (sessionId instanceof Error) return sendJson(res, 400, { error: sessionId.message });
      sendHtml(res, 200, supportPage({ sessionId }), SCREEN_CSP);
    },
    '/screen/qr.svg': async (req, res, url) => {
      const sessionId = idParam(url, 'session');
      if (!sessionId || sessionId instanceof Error) return sendJson(res, 400, { error: 'session must be a uuid' });
      const target = `${originOf(req, publicUrl)}/screen/support?session=${sessionId}`;
      const svg = await QRCode.toString(target, { type: 'svg', errorCorrectionLevel: 'M', margin: 1, color: { dark: '#000000', light: '#ffffff' } });
      res.writeHead(200, { 'content-type': 'image/svg+xml', 'content-length': Buffer.byteLength(svg), ...PAGE_HEADERS });
      res.end(svg);
    },
  };
}
