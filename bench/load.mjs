// Load worker, run as its own process by bench/run.mjs so the load never shares a CPU queue with
// what it measures. Reads one JSON job on stdin, runs autocannon, prints one JSON line.
// Job: { url, body, headers?, sign?: { viewer, secret }, connections, durationSec, expectBody? }
// `sign` adds the gateway's signed identity headers (shared/src/identity.ts) once per run; they
// stay valid 60 s, longer than any run.
import { readFileSync } from 'node:fs';
import { require } from './lib/util.mjs';

const autocannon = require('autocannon');
const job = JSON.parse(readFileSync(0, 'utf8'));
const headers = { 'content-type': 'application/json', ...(job.headers ?? {}) };
if (job.sign) Object.assign(headers, require('@plaza/shared').signIdentity(job.sign.viewer, job.sign.secret));

const result = await autocannon({
  url: job.url,
  method: 'POST',
  headers,
  body: job.body,
  connections: job.connections ?? 50,
  duration: job.durationSec,
  timeout: 20,
  ...(job.expectBody ? { expectBody: job.expectBody } : {}),
});
const seconds = result.duration || job.durationSec;
console.log(
  JSON.stringify({
    requests: result.requests.total,
    rps: result.requests.total / seconds,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    mismatches: result.mismatches ?? 0,
  }),
);
