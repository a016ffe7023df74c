// What tracing costs the gateway (issue 16): the same load against our gateway process with
// tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT: the SDK is not loaded), with tracing on exporting
// every span over OTLP/protobuf to a local receiver, and — with --base=<checkout> — the gateway
// of another build (e.g. the commit before tracing) as the baseline. Subgraphs are shared and
// run with tracing off, so only the gateway differs. The gateways all run at once and the load
// visits them in short slices, order rotating each round; per slice: RPS, p99, and the gateway's
// CPU per request (utime+stime from /proc, Linux), compared with the same round's `off`.
//
//   npm run build && node bench/tracing.mjs [--rounds=8] [--seconds=3] [--base=/path/to/old/checkout]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { freePort, fmt, median, require, ROOT, runJsonChild, startChild, table, waitHttp } from './lib/util.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const ROUNDS = Number(arg('rounds', 8));
const SECONDS = Number(arg('seconds', 3));
const BASE = arg('base', null);
const say = (m) => console.error(`[tracing-bench] ${m}`);

const shared = require('@plaza/shared');
const { createTestDatabase, TEST_GATEWAY_SECRET, TEST_JWT_SECRET } = require('@plaza/shared/testing');
const { Client } = require('pg');
const { throughputOps } = await import('./operations.mjs');

// The collector stand-in: takes every export, counts requests and bytes, keeps nothing.
const exports = { requests: 0, bytes: 0 };
const receiver = createServer((req, res) => {
  req.on('data', (c) => (exports.bytes += c.length));
  req.on('end', () => {
    exports.requests++;
    res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
  });
});
await new Promise((r) => receiver.listen(0, '127.0.0.1', r));
const otlp = `http://127.0.0.1:${receiver.address().port}`;

const children = [];
const db = await createTestDatabase('bench_tracing');
const cleanup = async () => {
  for (const c of children.reverse()) await c.stop().catch(() => {});
  receiver.close();
  await db.drop().catch(() => {});
};
// Interrupted or killed, the servers it started (and its database) go with it.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
])
  process.once(signal, () => void cleanup().then(() => process.exit(code)));

try {
  say(`database ${db.name}; seeding the demo world…`);
  const { seedDemoWorld } = await import('../scripts/seed-demo.mjs');
  await seedDemoWorld(db.url, () => {});
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const { rows: c } = await pg.query(`SELECT community_id FROM issues.issue GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
  const { rows: i } = await pg.query(`SELECT issue_id FROM issues.issue_event GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
  await pg.end();
  const ops = throughputOps({ communityId: c[0].community_id, issueId: i[0].issue_id }).filter((op) => op.short !== 'overview');

  const [sp, ip, vp] = [await freePort(), await freePort(), await freePort()];
  const url = (p) => `http://127.0.0.1:${p}/graphql`;
  const base = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL || shared.DEFAULT_REDIS_URL,
    PLAZA_CHANNEL_PREFIX: `bench_tracing_${db.name.slice(-8)}`,
    HOST: '127.0.0.1',
    SESSIONS_URL: url(sp),
    ISSUES_URL: url(ip),
    VOLUNTEERING_URL: url(vp),
    JWT_SECRET: TEST_JWT_SECRET,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
  };
  for (const [name, port] of [
    ['sessions', sp],
    ['issues', ip],
    ['volunteering', vp],
  ]) {
    const child = startChild(name, [join(ROOT, 'services', name, 'dist', 'index.js')], { ...base, PORT: String(port) });
    children.push(child);
    await waitHttp(`http://127.0.0.1:${port}/ready`, { child });
  }

  const targets = [
    { key: 'off', entry: join(ROOT, 'gateway', 'dist', 'index.js'), env: {} },
    { key: 'on', entry: join(ROOT, 'gateway', 'dist', 'index.js'), env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp } },
    ...(BASE ? [{ key: 'base', entry: join(BASE, 'gateway', 'dist', 'index.js'), env: {} }] : []),
  ];
  const cpuMs = (pid) => {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return ((Number(f[11]) + Number(f[12])) * 1000) / 100; // utime + stime, in clock ticks of 10 ms
  };

  // Every target runs for the whole bench (idle while another is loaded), and the load moves
  // between them in short slices, order rotating: on a shared machine whose load swings by the
  // minute, paired slices see the same conditions, so the per-round ratios are what to read.
  for (const t of targets) {
    t.port = await freePort();
    t.child = startChild(`gateway-${t.key}`, [t.entry], { ...base, ...t.env, PORT: String(t.port) });
    children.push(t.child);
    await waitHttp(`http://127.0.0.1:${t.port}/ready`, { child: t.child });
  }

  async function slice(target, op, seconds) {
    const job = { url: url(target.port), body: JSON.stringify({ query: op.query, variables: op.variables }), connections: 50, durationSec: seconds };
    const before = cpuMs(target.child.pid);
    const exported = exports.requests;
    const r = await runJsonChild(join(ROOT, 'bench', 'load.mjs'), job);
    const cpu = cpuMs(target.child.pid) - before;
    if (r.non2xx || r.errors || r.timeouts) say(`${target.key}/${op.short}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
    return { rps: r.rps, p99: r.p99, cpuPerReq: cpu / r.requests, exports: exports.requests - exported };
  }

  const lines = [
    `# tracing cost — ${new Date().toISOString()}, ${ROUNDS} rounds × ${SECONDS} s per target, 50 connections, ${require('node:os').cpus().length} CPUs, load average ${require('node:os')
      .loadavg()
      .map((x) => x.toFixed(1))
      .join(' ')}`,
  ];
  for (const op of ops) {
    for (const t of targets) await slice(t, op, 2); // warm-up: JIT, plan cache, pools
    const results = Object.fromEntries(targets.map((t) => [t.key, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = targets.map((_, i) => targets[(i + round) % targets.length]);
      for (const t of order) results[t.key].push(await slice(t, op, SECONDS));
      say(
        `${op.short} round ${round + 1}: ${targets
          .map((t) => {
            const r = results[t.key][round];
            return `${t.key} ${fmt(r.rps)} rps ${fmt(r.cpuPerReq, 3)} ms CPU/req`;
          })
          .join(' · ')}`,
      );
    }
    // Paired: each round's figure over the same round's `off`.
    const paired = (k, f) => results[k].map((r, i) => f(r) / f(results.off[i]));
    const span = (xs, d) => `${fmt(Math.min(...xs), d)}–${fmt(Math.max(...xs), d)}`;
    lines.push(
      '',
      `## ${op.name}`,
      table(
        ['gateway', 'RPS median (range)', 'p99 ms median', 'CPU ms/request median (range)', 'RPS / off, paired median (range)', 'CPU per request / off, paired median (range)'],
        targets.map((t) => [
          t.key,
          `${fmt(median(results[t.key].map(rpsOf)))} (${span(results[t.key].map(rpsOf), 0)})`,
          fmt(median(results[t.key].map((r) => r.p99))),
          `${fmt(median(results[t.key].map(cpuOf)), 3)} (${span(results[t.key].map(cpuOf), 3)})`,
          `${fmt(median(paired(t.key, rpsOf)), 3)} (${span(paired(t.key, rpsOf), 3)})`,
          `${fmt(median(paired(t.key, cpuOf)), 3)} (${span(paired(t.key, cpuOf), 3)})`,
        ]),
      ),
    );
  }
  lines.push('', `OTLP export requests received while on: ${exports.requests} (${fmt(exports.bytes / 1024)} KiB)`);
  console.log(lines.join('\n'));
} finally {
  await cleanup();
}

function rpsOf(r) {
  return r.rps;
}
function cpuOf(r) {
  return r.cpuPerReq;
}
