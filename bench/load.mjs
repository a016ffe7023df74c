// Load worker, run as its own process by bench/sections/throughput.mjs so the load never shares a CPU
// queue with what it measures. Reads one JSON job on stdin, prints one JSON line.
// Job: { url, connections, durationSec, timeoutSec?, and either
//   body, headers?, sign?: { viewer, secret }, expectBody?   — one request, repeated; or
//   mixFile, ops?, auth: 'bearer' | 'sign', secret?          — the mixed workload (bench/mix/) }
// `connections` keep-alive connections each send a request, wait for its answer and send the
// next until the time is up; then no new request starts and the ones in flight are waited for,
// so every request sent is answered and counted (nothing is cut off while the servers still work
// on it, which would bias the CPU and calls per request read around the run). RPS is answers ÷
// the time from the first request to the last answer: answers counted only within the time would
// understate a target whose latency is close to the run's length (the first wave of 50 arrives
// late), while the servers stay saturated through the drain as long as requests queue.
// `sign` adds the gateway's signed identity headers (shared/src/identity.ts); they stay valid
// 60 s, longer than any run. With `mixFile` every request is one of the pre-built requests drawn
// at random (only those of `ops` when given), with its viewer's bearer token or, straight to a
// subgraph, its viewer's signed headers.
// A response counts as bad when it is not 200, or differs from expectBody, or (mix) carries `errors`.
import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { require } from './lib/util.mjs';

const job = JSON.parse(readFileSync(0, 'utf8'));
const target = new URL(job.url);
const base = { 'content-type': 'application/json', ...(job.headers ?? {}) };
const signIdentity = () => require('@plaza/shared').signIdentity;
const ANON = { id: null, name: null, roles: [], communityIds: [] };

/** The requests to draw from: [{ body: Buffer, headers }]. */
function requestList() {
  if (!job.mixFile) {
    const headers = { ...base, ...(job.sign ? signIdentity()(job.sign.viewer, job.sign.secret) : {}) };
    const body = Buffer.from(job.body);
    return [{ body, headers: { ...headers, 'content-length': String(body.length) } }];
  }
  const mix = JSON.parse(readFileSync(job.mixFile, 'utf8'));
  const byViewer = new Map();
  const viewerHeaders = (v) => {
    const viewer = v < 0 ? null : mix.viewers[v];
    if (job.auth === 'sign') return { ...base, ...signIdentity()(viewer?.viewer ?? ANON, job.secret) };
    return viewer ? { ...base, authorization: `Bearer ${viewer.token}` } : base;
  };
  const wanted = job.ops ? new Set(job.ops) : null;
  const list = mix.requests
    .filter((r) => !wanted || wanted.has(r.op))
    .map((r) => {
      if (!byViewer.has(r.v)) byViewer.set(r.v, viewerHeaders(r.v));
      const body = Buffer.from(r.body);
      return { body, headers: { ...byViewer.get(r.v), 'content-length': String(body.length) } };
    });
  if (!list.length) throw new Error(`no requests for ops ${job.ops}`);
  return list;
}

const list = requestList();
const connections = job.connections ?? 50;
const timeoutMs = (job.timeoutSec ?? 20) * 1000;
const agent = new Agent({ keepAlive: true, maxSockets: connections });
const expectBody = job.expectBody ?? null;
const isBad = (status, text) => status !== 200 || (expectBody !== null ? text !== expectBody : job.mixFile && text.includes('"errors"'));

function send(r) {
  return new Promise((resolve) => {
    const req = request({ agent, host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers: r.headers }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ error: e }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(Object.assign(new Error('timeout'), { timeout: true })));
    req.on('error', (e) => resolve({ error: e }));
    req.end(r.body);
  });
}

let lastAnswer = 0;
const stats = { sent: 0, requests: 0, non2xx: 0, errors: 0, timeouts: 0, mismatches: 0 };
const latencies = [];
const started = performance.now();
const deadline = started + job.durationSec * 1000;
async function worker() {
  while (performance.now() < deadline) {
    const r = list.length === 1 ? list[0] : list[Math.floor(Math.random() * list.length)];
    const t0 = performance.now();
    stats.sent++;
    const res = await send(r);
    const t1 = performance.now();
    if (res.error) {
      if (res.error.timeout) stats.timeouts++;
      else stats.errors++;
      continue;
    }
    stats.requests++;
    if (t1 > lastAnswer) lastAnswer = t1;
    latencies.push(t1 - t0);
    if (res.status < 200 || res.status >= 300) stats.non2xx++;
    else if (isBad(res.status, res.text)) stats.mismatches++;
  }
}
await Promise.all(Array.from({ length: connections }, worker));
agent.destroy();
latencies.sort((a, b) => a - b);
const pct = (p) => (latencies.length ? Math.round(latencies[Math.min(latencies.length - 1, Math.floor((p / 100) * latencies.length))]) : NaN);
console.log(
  JSON.stringify({
    sent: stats.sent,
    requests: stats.requests,
    rps: stats.requests ? stats.requests / ((lastAnswer - started) / 1000) : 0,
    p50: pct(50),
    p99: pct(99),
    non2xx: stats.non2xx,
    errors: stats.errors,
    timeouts: stats.timeouts,
    mismatches: stats.mismatches,
    drainMs: Math.round(performance.now() - deadline),
  }),
);
