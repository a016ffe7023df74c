// Load clients for bench/fanout.mjs, in their own process so they do not share the gateway's
// event loop. Opens N sockets (graphql-ws, or plain ws for the bare baseline), one subscription
// each, records commit→deliver latency per delivery, reports percentiles when asked.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(join(dirname(fileURLToPath(import.meta.url)), '..', 'gateway', 'package.json'));
const { createClient } = require('graphql-ws');
const WebSocket = require('ws');

const { mode, url, n, communityId, token } = JSON.parse(process.argv[2]);
const latencies = [];
let received = 0;
let errors = 0;
const closers = [];

const onEvent = (at) => {
  received++;
  latencies.push(Date.now() - Date.parse(at));
};

async function openGraphql(i) {
  const client = createClient({ url, webSocketImpl: WebSocket, lazy: true, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
  closers.push(() => client.dispose());
  await new Promise((resolve) => {
    let acked = false;
    client.on('connected', () => ((acked = true), setTimeout(resolve, 0)));
    client.subscribe(
      { query: 'subscription($c: ID) { issueEvents(communityId: $c) { cursor kind at issue { title } } }', variables: { c: communityId } },
      { next: (r) => (r.data ? onEvent(r.data.issueEvents.at) : errors++), error: () => (errors++, acked || resolve()), complete: () => {} },
    );
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
    process.send({ type: 'report', received, errors, latencies }, () => process.exit(0));
  }
});

// Opened in batches, so the gateway is not hit by N handshakes at once.
for (let i = 0; i < n; i += 200) {
  await Promise.all(Array.from({ length: Math.min(200, n - i) }, (_, k) => (mode === 'bare' ? openBare() : openGraphql(i + k))));
}
process.send({ type: 'ready' });
