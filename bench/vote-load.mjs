// Vote load worker (own process): `voters` distinct RESIDENT viewers, all at once, each sending
// one supportIssue, voter i on hot request i mod n. Through the gateway each voter carries its own
// bearer JWT; straight to the issues subgraph each call carries freshly signed identity headers.
// Job: { url, issueIds, voters, mode: 'gateway' | 'direct', jwtSecret, gatewaySecret, runId }
// Prints { votes, errors, seconds, votesPerSec, p50, p99 (ms per vote), firstErrors }.
import http from 'node:http';
import { readFileSync } from 'node:fs';
import { require } from './lib/util.mjs';

const { signToken, signIdentity } = require('@plaza/shared');
const job = JSON.parse(readFileSync(0, 'utf8'));
const target = new URL(job.url);
const agent = new http.Agent({ keepAlive: true, maxSockets: job.voters });
const query = 'mutation Support($id: ID!) { supportIssue(issueId: $id) { id supportCount } }';

const viewers = Array.from({ length: job.voters }, (_, i) => ({ id: `bench-${job.runId}-voter-${i}`, name: `投票人${i}`, roles: ['RESIDENT'], communityIds: [] }));
const tokens = job.mode === 'gateway' ? await Promise.all(viewers.map((v) => signToken({ sub: v.id, name: v.name, roles: ['RESIDENT'] }, job.jwtSecret))) : [];

function post(body, headers) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: target.hostname,
        port: target.port,
        path: target.pathname,
        method: 'POST',
        agent,
        headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve({ status: res.statusCode, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

let votes = 0;
let errors = 0;
const firstErrors = [];
const latencies = [];
const started = process.hrtime.bigint();
await Promise.all(
  viewers.map(async (viewer, i) => {
    const id = job.issueIds[i % job.issueIds.length];
    const headers = job.mode === 'gateway' ? { authorization: `Bearer ${tokens[i]}` } : signIdentity(viewer, job.gatewaySecret);
    const t0 = process.hrtime.bigint();
    try {
      const { status, text } = await post(JSON.stringify({ query, variables: { id } }), headers);
      const json = JSON.parse(text);
      if (status !== 200 || json.errors?.length || !json.data?.supportIssue) throw new Error(`${status} ${text.slice(0, 200)}`);
      votes++;
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    } catch (e) {
      errors++;
      if (firstErrors.length < 3) firstErrors.push(String(e.message ?? e));
    }
  }),
);
const seconds = Number(process.hrtime.bigint() - started) / 1e9;
agent.destroy();
latencies.sort((a, b) => a - b);
const pct = (q) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))] ?? NaN;
console.log(JSON.stringify({ votes, errors, seconds, votesPerSec: votes / seconds, p50: pct(0.5), p99: pct(0.99), firstErrors }));
