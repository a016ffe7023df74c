import { sendJson, type Route } from '@plaza/shared';
import { assetRoutes, sendHtml } from '../screen/screen.assets';

export interface ExplorerRouteOptions {
  /** Serve /graphiql. Default: on, except in production unless PLAZA_GRAPHIQL=1. */
  enabled?: boolean;
  /** Default: NODE_ENV=production. */
  production?: boolean;
}

/** Files scripts/bundle.mjs writes to dist/public/graphiql. */
export const EXPLORER_ASSETS = ['explorer.js', 'explorer.css'];

// GraphiQL sets inline styles and embeds its fonts and icons as data: URLs.
const EXPLORER_CSP =
  "default-src 'self'; img-src 'self' data:; font-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self' ws: wss:; script-src 'self'; worker-src 'self' blob:; base-uri 'none'; frame-ancestors 'none'";

const PAGE = `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>广场夜话 · GraphiQL</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/graphiql/explorer.css">
<style>html, body, #graphiql { height: 100%; margin: 0; }</style>
<script src="/graphiql/explorer.js" defer></script>
</head>
<body><div id="graphiql"></div></body>
</html>
`;

/** GET /graphiql: the explorer for staff and analysts, wired to /graphql and ws /graphql. */
export function explorerRoutes(o: ExplorerRouteOptions = {}): Record<string, Route> {
  const enabled = o.enabled ?? !o.production;
  if (!enabled) {
    return { '/graphiql': (_req, res) => sendJson(res, 404, { error: 'GraphiQL is off in production; set PLAZA_GRAPHIQL=1 to serve it' }) };
  }
  return {
    ...assetRoutes('/graphiql/', 'graphiql', EXPLORER_ASSETS),
    '/graphiql': (_req, res) => sendHtml(res, 200, PAGE, EXPLORER_CSP),
  };
}
