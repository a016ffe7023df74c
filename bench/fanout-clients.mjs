// Load clients for bench/fanout.mjs, in their own process so they do not share the gateway's
// event loop. Opens N sockets (graphql-ws, or plain ws for the bare baseline), one subscription
// each, records commit→deliver latency per delivery, reports percentiles when asked.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'gateway', 'package.json'));
const WebSocket = require('ws');

const { mode, url, n, start = 0, communityId, token, jwtSecret } = JSON.parse(process.argv[2]);
const MINE = 'subscription { myIssueEvents { cursor kind at issue { title } } }';
// --follow: each socket is its own resident (bench-resident-<index>), on myIssueEvents.
const tokenOf = async (i) =>
  mode === 'mine'
    ? (require('reflect-metadata'), require('@plaza/shared')).signToken({ sub: `bench-resident-${start + i}`, roles: ['RESIDENT'], communities: [communityId], ttlSeconds: 3600 }, jwtSecret)
    : token;
const latencies = [];
let received = 0;
let errors = 0;
let lastAt = 0;
const closers = [];
const QUERY = 'subscription($c: ID) { issueEvents(communityId: $c) { cursor kind at issue { title } } }';

const onEvent = (at) => {
  received++;
  lastAt = Date.now();
  latencies.push(lastAt - Date.parse(at));
};

// The graphql-transport-ws protocol spoken directly over `ws`, as lean as the bare client below
// (one JSON.parse per message), so the comparison measures the servers, not client libraries.
async function openGraphql(i) {
  const auth = await tokenOf(i);
  const ws = new WebSocket(url, 'graphql-transport-ws', { perMessageDeflate: false });
  closers.push(() => ws.close());
  await new Promise((resolve) => {
    let acked = false;
    ws.once('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${auth}` } })));
    ws.on('message', (data) => {
      const m = JSON.parse(data.toString());
      if (m.type === 'next') return m.payload.data ? onEvent(Object.values(m.payload.data)[0].at) : errors++;
      if (m.type === 'ping') return ws.send('{"type":"pong"}');
      if (m.type === 'connection_ack') {
        acked = true;
        ws.send(JSON.stringify({ id: String(i), type: 'subscribe', payload: mode === 'mine' ? { query: MINE } : { query: QUERY, variables: { c: communityId } } }));
        return resolve();
      }
      if (m.type === 'error') errors++;
    });
    ws.once('error', () => (errors++, acked || resolve()));
    ws.once('close', () => acked || (errors++, resolve()));
  });
}

async function openBare() {
  const ws = new WebSocket(url);
  closers.push(() => ws.close());
  ws.on('message', (data) => {
    const m = JSON.parse(data.toString());
    if (m.communityId === communityId) onEvent(m.at);
  });
  await new Promise((resolve, reject) => (ws.once('open', resolve), ws.once('error', reject)));
}

process.on('message', async (msg) => {
  if (msg.type === 'report') {
    for (const c of closers) c();
    // Exit only once the (possibly large) report has left over IPC.
    process.send({ type: 'report', received, errors, latencies, lastAt }, () => process.exit(0));
  }
});

// Opened in batches, so the gateway is not hit by N handshakes at once.
for (let i = 0; i < n; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, n - i) }, (_, k) => (mode === 'bare' ? openBare() : openGraphql(i + k))));
}
process.send({ type: 'ready' });
