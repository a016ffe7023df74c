// Load worker, run as its own process by bench/run.mjs so the load never shares a CPU queue with
// what it measures. Reads one JSON job on stdin, runs autocannon, prints one JSON line.
// Job: { url, body, headers?, sign?: { viewer, secret }, connections, durationSec, expectBody? }
//   or, for a mixed workload: { url, mixFile, ops?, auth: 'bearer' | 'sign', secret?, connections, durationSec }
// `sign` adds the gateway's signed identity headers (shared/src/identity.ts) once per run; they
// stay valid 60 s, longer than any run.
// With `mixFile` (bench/mix/requests.mjs) every request is one of the pre-built requests drawn at
// random (only those of `ops` when given), sent with its viewer's bearer token or, straight to a
// subgraph, with its viewer's signed headers; a response that is not 200 or carries `errors`
// counts as bad (`mismatches`).
import { readFileSync } from 'node:fs';
import { require } from './lib/util.mjs';

const autocannon = require('autocannon');
const job = JSON.parse(readFileSync(0, 'utf8'));
const headers = { 'content-type': 'application/json', ...(job.headers ?? {}) };
if (job.sign) Object.assign(headers, require('@plaza/shared').signIdentity(job.sign.viewer, job.sign.secret));

function mixOptions() {
  const mix = JSON.parse(readFileSync(job.mixFile, 'utf8'));
  const { signIdentity } = require('@plaza/shared');
  const anon = { id: null, name: null, roles: [], communityIds: [] };
  const viewerHeaders = (v) => {
    const viewer = v < 0 ? null : mix.viewers[v];
    if (job.auth === 'sign') return { ...headers, ...signIdentity(viewer?.viewer ?? anon, job.secret) };
    return viewer ? { ...headers, authorization: `Bearer ${viewer.token}` } : headers;
  };
  const byViewer = new Map();
  const wanted = job.ops ? new Set(job.ops) : null;
  const list = mix.requests
    .filter((r) => !wanted || wanted.has(r.op))
    .map((r) => {
      if (!byViewer.has(r.v)) byViewer.set(r.v, viewerHeaders(r.v));
      return { body: r.body, headers: byViewer.get(r.v) };
    });
  if (!list.length) throw new Error(`no requests for ops ${job.ops}`);
  return {
    requests: [
      {
        method: 'POST',
        setupRequest(req) {
          const r = list[Math.floor(Math.random() * list.length)];
          req.body = r.body;
          req.headers = r.headers;
          return req;
        },
      },
    ],
    verifyBody: (body) => !body.includes('"errors"'),
  };
}

const result = await autocannon({
  url: job.url,
  method: 'POST',
  headers,
  body: job.body,
  connections: job.connections ?? 50,
  duration: job.durationSec,
  timeout: 20,
  ...(job.expectBody ? { expectBody: job.expectBody } : {}),
  ...(job.mixFile ? mixOptions() : {}),
});
const seconds = result.duration || job.durationSec;
console.log(
  JSON.stringify({
    requests: result.requests.total,
    // Sent includes the (up to `connections`) requests still in flight when the time ran out:
    // the servers answer those too, so their CPU and calls belong to them.
    sent: result.requests.sent,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches ?? 0,
  }),
);
