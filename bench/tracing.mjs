// What tracing costs the gateway (issue 16): the same load against our gateway process with
// tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT: the SDK is not loaded), with tracing on exporting
// every span over OTLP/protobuf to a local receiver, and — with --base=<checkout> — the gateway
// of another build (e.g. the commit before tracing) as the baseline. Subgraphs are shared and
// run with tracing off, so only the gateway differs. Rounds alternate the order of the targets;
// per run: RPS, p99, and the gateway's CPU per request (utime+stime from /proc, Linux).
//
//   npm run build && node bench/tracing.mjs [--rounds=3] [--seconds=8] [--base=/path/to/old/checkout]
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { freePort, fmt, median, require, ROOT, runJsonChild, sleep, startChild, table, waitHttp } from './lib/util.mjs';

const arg = (name, dflt) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? dflt;
const ROUNDS = Number(arg('rounds', 3));
const SECONDS = Number(arg('seconds', 8));
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
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

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
  for (const [name, port] of [['sessions', sp], ['issues', ip], ['volunteering', vp]]) {
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

  async function run(target, op) {
    const port = await freePort();
    const gw = startChild(`gateway-${target.key}`, [target.entry], { ...base, ...target.env, PORT: String(port) });
    try {
      await waitHttp(`http://127.0.0.1:${port}/ready`, { child: gw });
      const job = { url: url(port), body: JSON.stringify({ query: op.query, variables: op.variables }), connections: 50 };
      await runJsonChild(join(ROOT, 'bench', 'load.mjs'), { ...job, durationSec: 2 }); // warm-up: JIT, plan cache, pools
      const before = cpuMs(gw.pid);
      const exported = exports.requests;
      const r = await runJsonChild(join(ROOT, 'bench', 'load.mjs'), { ...job, durationSec: SECONDS });
      const cpu = cpuMs(gw.pid) - before;
      if (r.non2xx || r.errors || r.timeouts) say(`${target.key}/${op.short}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
      return { rps: r.rps, p99: r.p99, cpuPerReq: cpu / r.requests, exports: exports.requests - exported };
    } finally {
      await gw.stop();
    }
  }

  const lines = [`# tracing cost — ${new Date().toISOString()}, ${SECONDS} s × ${ROUNDS} rounds, 50 connections, ${require('node:os').cpus().length} CPUs`];
  for (const op of ops) {
    const results = Object.fromEntries(targets.map((t) => [t.key, []]));
    for (let round = 0; round < ROUNDS; round++) {
      const order = round % 2 ? [...targets].reverse() : targets;
      for (const t of order) {
        const r = await run(t, op);
        results[t.key].push(r);
        say(`${op.short} round ${round + 1} ${t.key}: ${fmt(r.rps)} rps, p99 ${r.p99} ms, ${fmt(r.cpuPerReq, 3)} ms CPU/req${t.key === 'on' ? `, ${r.exports} OTLP exports` : ''}`);
      }
      await sleep(200);
    }
    const med = (k, f) => median(results[k].map(f));
    const range = (k, f) => `${fmt(Math.min(...results[k].map(f)), f === cpuOf ? 3 : 0)}–${fmt(Math.max(...results[k].map(f)), f === cpuOf ? 3 : 0)}`;
    lines.push('', `## ${op.name}`, table(
      ['gateway', 'RPS median (range)', 'p99 ms median', 'CPU ms/request median (range)', 'RPS vs off', 'CPU/req vs off'],
      targets.map((t) => [
        t.key,
        `${fmt(med(t.key, rpsOf))} (${range(t.key, rpsOf)})`,
        fmt(med(t.key, (r) => r.p99)),
        `${fmt(med(t.key, cpuOf), 3)} (${range(t.key, cpuOf)})`,
        fmt(med(t.key, rpsOf) / med('off', rpsOf), 3),
        fmt(med(t.key, cpuOf) / med('off', cpuOf), 3),
      ]),
    ));
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
