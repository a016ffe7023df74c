// Hive Gateway (@graphql-hive/gateway, the Node peer) serving the committed
// gateway/supergraph.graphql against the same subgraphs as ours, for bench/run.mjs.
// Env: PORT, SESSIONS_URL, ISSUES_URL, VOLUNTEERING_URL, JWT_SECRET, GATEWAY_SECRET; HIVE_DEDUPE=0
// turns its in-flight deduplication of identical subgraph calls off (on by default).
//
// Our subgraphs answer only calls signed by a gateway (shared/src/identity.ts: HMAC over the
// viewer and a timestamp), so Hive gets the same identity protocol through its header
// propagation hook: the bearer JWT (if any) is verified like our gateway does, and the signed
// headers are added to every subgraph call. Signatures are reused for one second per viewer
// (they stay valid 60 s): a fresh timestamp per call would make otherwise identical subgraph
// calls differ and defeat Hive's in-flight deduplication, which is its default behaviour.
import { createServer } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, require } from './lib/util.mjs';

const { createGatewayRuntime } = require('@graphql-hive/gateway');
const { signIdentity, verifyToken } = require('@plaza/shared');

const env = process.env;
const urls = { sessions: env.SESSIONS_URL, issues: env.ISSUES_URL, volunteering: env.VOLUNTEERING_URL };
let sdl = readFileSync(join(ROOT, 'gateway', 'supergraph.graphql'), 'utf8');
// Point each join__graph at this run's subgraph (the file records the local-dev ports).
sdl = sdl.replace(/@join__graph\(name: "(\w+)", url: "[^"]*"\)/g, (m, name) => (urls[name] ? `@join__graph(name: "${name}", url: "${urls[name]}")` : m));

const ANON = { id: null, name: null, roles: [], communityIds: [] };
const signed = new Map(); // viewer key -> { at, headers }
function headersFor(viewer) {
  const key = JSON.stringify(viewer);
  const now = Date.now();
  const hit = signed.get(key);
  if (hit && now - hit.at < 1000) return hit.headers;
  const headers = signIdentity(viewer, env.GATEWAY_SECRET, now);
  if (signed.size > 10_000) signed.clear();
  signed.set(key, { at: now, headers });
  return headers;
}

const gateway = createGatewayRuntime({
  supergraph: () => sdl,
  logging: 'error',
  ...(env.HIVE_DEDUPE === '0' ? { transportEntries: { '*.http': { options: { deduplicateInflightRequests: false } } } } : {}),
  propagateHeaders: {
    async fromClientToSubgraphs({ request }) {
      const auth = request.headers.get('authorization');
      let viewer = ANON;
      if (auth) {
        const m = /^Bearer\s+(\S+)$/i.exec(auth.trim());
        // A bad token goes on as anonymous here; the bench sends only valid ones.
        if (m) viewer = await verifyToken(m[1], env.JWT_SECRET).catch(() => ANON);
      }
      return headersFor(viewer);
    },
  },
});

const server = createServer(gateway);
server.listen(Number(env.PORT), '127.0.0.1', () => console.log(`hive gateway on http://127.0.0.1:${env.PORT}/graphql`));
const stop = () => server.close(() => void gateway.dispose().finally(() => process.exit(0)));
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
