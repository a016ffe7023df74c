// `npm run bench:fanout` — subscription fan-out (issue 4). Starts its own test database, the three
// subgraphs (in this process, publishing through their relays to Redis), the gateway in its own
// process, and N graphql-ws subscribers in a separate load process on loopback. Raises R requests
// per second for D seconds, then runs the same load through a bare `ws` relay of the Redis
// messages (no GraphQL) and prints both, with the ratio. Flags: --subscribers N (default 1000),
// --rate R (20), --duration D s (10), --quick (100 subscribers, 10/s, 3 s). Needs Postgres + Redis.
// --follow: the subscribers are N residents on `myIssueEvents`, each following one of
// --requests K (10) requests, followed after subscribing (so through follow events); the load is
// support votes on those requests (no bare baseline). The issue's figure:
// --follow --subscribers 10000 --requests 2000.
import { fork, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';
import os from 'node:os';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'gateway', 'package.json'));
require('reflect-metadata');
const shared = require('@plaza/shared');
const { createTestDatabase, TEST_GATEWAY_SECRET, TEST_JWT_SECRET } = require('@plaza/shared/testing');
const Redis = require('ioredis');
const { WebSocketServer } = require('ws');
const { freeLoopbackPort: freePort } = require('@plaza/shared/cluster');

const args = process.argv.slice(2);
const flag = (name, dflt) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const quick = args.includes('--quick');
// --heap-snapshot: write a heap snapshot of the gateway once every subscriber is connected (for
// finding what each connection retains; the run then continues as usual).
const SNAPSHOT = args.includes('--heap-snapshot');
const N = flag('subscribers', quick ? 100 : 1000);
const FOLLOW = args.includes('--follow');
const K = flag('requests', 10);
const RATE = flag('rate', quick ? 10 : 20);
const DURATION = flag('duration', quick ? 3 : 10);
const REDIS_URL = process.env.REDIS_URL || shared.DEFAULT_REDIS_URL;
const PREFIX = `plaza-bench-${randomBytes(4).toString('hex')}`;
const say = (m) => console.error(`[fanout] ${m}`);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const cleanups = [];
// Bounded in time whatever happens.
const deadline = setTimeout(() => (say('time limit reached; stopping'), void stop(1)), (120 + DURATION * 4 + N / 50 + (FOLLOW ? N / 100 + K / 20 : 0)) * 1000);

// Interrupted or killed, the processes it started (and its database) go with it.
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
])
  process.once(signal, () => void stop(code));

async function stop(code = 0) {
  for (const c of cleanups.reverse())
    await Promise.resolve()
      .then(c)
      .catch((e) => say(`cleanup: ${e.message}`));
  clearTimeout(deadline);
  process.exit(code);
}

async function getJson(url) {
  const res = await fetch(url);
  return res.json();
}

async function gql(url, query, variables, token) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = await res.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

/**
 * The load processes (one per 500 subscribers, up to the CPUs less two for the gateway and the
 * services): they open the sockets and answer with their latencies, so a busy client process
 * does not show up as gateway latency.
 */
function loadClients(mode, url, communityId, token) {
  let start = 0;
  const workers = Math.max(1, Math.min(Math.ceil(N / 500), (os.availableParallelism?.() ?? os.cpus().length) - 2));
  const children = Array.from({ length: workers }, (_, w) => {
    const n = Math.floor(N / workers) + (w < N % workers ? 1 : 0);
    const child = fork(join(root, 'bench', 'fanout-clients.mjs'), [JSON.stringify({ mode, url, n, start, communityId, token, jwtSecret: TEST_JWT_SECRET })], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    start += n;
    cleanups.push(() => child.kill());
    return child;
  });
  const next = (child, type) =>
    new Promise((resolve, reject) => {
      const on = (m) => m.type === type && (child.off('message', on), resolve(m));
      child.on('message', on);
      child.once('exit', (code) => reject(new Error(`load process exited (${code})`)));
    });
  const pct = (sorted, p) => (sorted.length ? sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] : null);
  return {
    workers,
    ready: Promise.all(children.map((c) => next(c, 'ready'))),
    async report() {
      const parts = await Promise.all(children.map((c) => (c.send({ type: 'report' }), next(c, 'report'))));
      const all = parts.flatMap((p) => p.latencies).sort((a, b) => a - b);
      return {
        lastAt: Math.max(...parts.map((p) => p.lastAt)),
        received: parts.reduce((a, p) => a + p.received, 0),
        errors: parts.reduce((a, p) => a + p.errors, 0),
        p50: pct(all, 50),
        p95: pct(all, 95),
        p99: pct(all, 99),
      };
    },
  };
}

/** Waits until the gateway has written every expected delivery (or stops making progress). */
async function settleDeliveries(count, expected) {
  let last = -1;
  for (let i = 0; i < 600; i++) {
    await sleep(500);
    const deliveries = await count();
    if (deliveries >= expected || (deliveries === last && i > 4)) break;
    last = deliveries;
  }
  await sleep(1000); // the last frames on their way to the clients
}

/** Signals the gateway to write a heap snapshot and waits until the file stops growing. */
async function heapSnapshot(child, dir) {
  const { readdirSync, statSync } = await import('node:fs');
  const before = new Set(readdirSync(dir));
  child.kill('SIGUSR2');
  for (let i = 0, last = -1; i < 600; i++) {
    await sleep(500);
    const file = readdirSync(dir).find((f) => f.endsWith('.heapsnapshot') && !before.has(f));
    if (!file) continue;
    const size = statSync(join(dir, file)).size;
    if (size > 0 && size === last) return say(`heap snapshot: ${join(dir, file)} (${(size / 1048576).toFixed(0)} MB)`);
    last = size;
  }
  say('heap snapshot did not finish in time');
}

/** R raises per second for D seconds; returns how many committed, and when it started. */
async function drive(url, communityId, token, requests = null) {
  let done = 0;
  const pending = [];
  const t0 = Date.now();
  for (let i = 0; i < RATE * DURATION; i++) {
    const due = t0 + (i * 1000) / RATE;
    if (due > Date.now()) await sleep(due - Date.now());
    if (requests) {
      // A support vote by a fresh resident on one of the followed requests: one SUPPORT_CHANGED each.
      const supporter = await shared.signToken({ sub: `bench-supporter-${i}`, roles: ['RESIDENT'], communities: [communityId], ttlSeconds: 3600 }, TEST_JWT_SECRET);
      pending.push(
        gql(url, 'mutation($id: ID!) { supportIssue(issueId: $id) { id } }', { id: requests[i % requests.length] }, supporter).then(
          () => done++,
          (e) => say(`support failed: ${e.message}`),
        ),
      );
      continue;
    }
    pending.push(
      gql(url, 'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }', { i: { communityId, title: `扇出 ${i}`, description: '压测', category: 'PUBLIC_FACILITIES' } }, token).then(
        () => done++,
        (e) => say(`raise failed: ${e.message}`),
      ),
    );
  }
  await Promise.all(pending);
  return { sent: done, startedAt: t0 };
}

async function main() {
  say(`${N} subscribers, ${RATE} events/s for ${DURATION} s (prefix ${PREFIX})`);
  const db = await createTestDatabase('fanout');
  cleanups.push(() => db.drop());
  const base = {
    NODE_ENV: 'test',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    REDIS_URL,
    PLAZA_CHANNEL_PREFIX: PREFIX,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    JWT_SECRET: TEST_JWT_SECRET,
    HOST: '127.0.0.1',
  };
  const urls = {};
  for (const name of ['sessions', 'issues', 'volunteering']) {
    const pkg = require(`@plaza/${name}`);
    const mod = require(`@plaza/${name}/dist/env.js`);
    const schema = Object.entries(mod).find(([k]) => k.endsWith('EnvSchema'))[1];
    const running = await pkg.main(shared.parseEnv(schema, { ...base, PORT: '0', SESSIONS_URL: urls.SESSIONS_URL, ISSUES_URL: urls.ISSUES_URL }));
    cleanups.push(() => running.close());
    urls[`${name.toUpperCase()}_URL`] = `http://127.0.0.1:${running.port}/graphql`;
  }
  // The gateway in its own process, so its RSS is its own.
  const gport = await freePort();
  // FANOUT_GATEWAY_NODE_ARGS, e.g. `--cpu-prof`, to profile the gateway under load.
  const nodeArgs = ['--expose-gc', ...(process.env.FANOUT_GATEWAY_NODE_ARGS ?? '').split(' ').filter(Boolean)];
  const snapDir = join(root, 'bench', 'results', 'snapshots');
  if (SNAPSHOT) (mkdirSync(snapDir, { recursive: true }), nodeArgs.push('--heapsnapshot-signal=SIGUSR2'));
  const gw = spawn(process.execPath, [...nodeArgs, join(root, 'gateway', 'dist', 'index.js')], {
    cwd: SNAPSHOT ? snapDir : root,
    env: { ...process.env, ...base, ...urls, PORT: String(gport) },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  cleanups.push(() => new Promise((r) => (gw.exitCode !== null ? r() : (gw.once('exit', r), gw.kill('SIGTERM')))));
  const origin = `http://127.0.0.1:${gport}`;
  for (let i = 0; i < 100; i++) {
    try {
      if ((await fetch(`${origin}/ready`)).status === 200) break;
    } catch {}
    await sleep(200);
  }
  const admin = await shared.signToken({ sub: 'bench-admin', roles: ['ADMIN'] }, TEST_JWT_SECRET);
  const communityId = (await gql(`${origin}/graphql`, 'mutation { createCommunity(input: { name: "压测社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
  const staff = await shared.signToken({ sub: 'bench-staff', roles: ['STAFF'], communities: [communityId], ttlSeconds: 3600 }, TEST_JWT_SECRET);
  const viewer = await shared.signToken({ sub: 'bench-screen', roles: ['SCREEN'], ttlSeconds: 3600 }, TEST_JWT_SECRET);

  if (FOLLOW) return followRun(origin, communityId, staff, db.url);

  // --- through the gateway (graphql-ws, hydrated through the supergraph)
  // V8 hands pages back a while after a GC: settle before the baseline reading.
  for (let i = 0; i < 3; i++) (await getJson(`${origin}/metrics/subscriptions?gc=1`), await sleep(1000));
  const m0 = await getJson(`${origin}/metrics/subscriptions?gc=1`);
  const gqlLoad = loadClients('graphql', `ws://127.0.0.1:${gport}/graphql`, communityId, viewer);
  await gqlLoad.ready;
  for (let i = 0; i < 600; i++) {
    if ((await getJson(`${origin}/metrics/subscriptions`)).subscribers >= N) break;
    await sleep(100);
  }
  (await getJson(`${origin}/metrics/subscriptions?gc=1`), await sleep(1000));
  const m1 = await getJson(`${origin}/metrics/subscriptions?gc=1`);
  if (SNAPSHOT) await heapSnapshot(gw, snapDir);
  const { sent: sentG, startedAt: t0G } = await drive(`${origin}/graphql`, communityId, staff);
  await settleDeliveries(async () => (await getJson(`${origin}/metrics/subscriptions`)).deliveries, m1.deliveries + sentG * N);
  const m2 = await getJson(`${origin}/metrics/subscriptions`);
  const rg = await gqlLoad.report();

  // --- the bare baseline: a `ws` server relaying the Redis messages as they come
  const bport = await freePort();
  const wss = new WebSocketServer({ port: bport, host: '127.0.0.1' });
  const sub = new Redis(REDIS_URL);
  await sub.subscribe(`${PREFIX}:issueEvents`);
  let bareSent = 0;
  sub.on('message', (_ch, msg) => {
    for (const c of wss.clients) (c.send(msg), bareSent++);
  });
  cleanups.push(() => (sub.disconnect(), new Promise((r) => wss.close(r))));
  const bareLoad = loadClients('bare', `ws://127.0.0.1:${bport}`, communityId, viewer);
  await bareLoad.ready;
  const { sent: sentB, startedAt: t0B } = await drive(`${origin}/graphql`, communityId, staff);
  await settleDeliveries(() => bareSent, sentB * N);
  const rb = await bareLoad.report();

  const expG = sentG * N;
  const expB = sentB * N;
  // Deliveries per second from the first raise to the last delivery: a relay that falls behind
  // stretches that window and shows a lower rate, even when everything arrives in the end.
  const rateG = rg.received / Math.max(DURATION, (rg.lastAt - t0G) / 1000);
  const rateB = rb.received / Math.max(DURATION, (rb.lastAt - t0B) / 1000);
  const kb = (b) => (b / 1024).toFixed(1);
  const rows = [
    ['', 'gateway (graphql-ws)', 'bare ws relay'],
    ['delivered / expected', `${rg.received} / ${expG}`, `${rb.received} / ${expB}`],
    ['delivery rate (msg/s)', rateG.toFixed(0), rateB.toFixed(0)],
    ['latency p50 / p95 / p99 (ms)', `${rg.p50} / ${rg.p95} / ${rg.p99}`, `${rb.p50} / ${rb.p95} / ${rb.p99}`],
    ['gateway: hydration p50 / p99 (ms)', `${m2.latency?.hydrationMs.p50} / ${m2.latency?.hydrationMs.p99}`, '—'],
    ['gateway: event taken up → socket write p50 / p99 (ms)', `${m2.latency?.deliveryMs.p50} / ${m2.latency?.deliveryMs.p99}`, '—'],
    // Below a few thousand subscribers the difference is within what the first connections' one-time
    // costs (compiled code, pools) and the pages a GC hands back move RSS by: read it at 10,000.
    ['gateway RSS per subscriber (KB, after GC)', kb((m1.rssBytes - m0.rssBytes) / N) + (N < 5000 ? ' (±10 KB noise below 5,000 subscribers)' : ''), '—'],
    ['gateway heap per subscriber (KB, after GC)', kb((m1.heapUsedBytes - m0.heapUsedBytes) / N) + (N < 5000 ? ' (includes one-time costs)' : ''), '—'],
    ['gateway RSS total (MB)', (m2.rssBytes / 1048576).toFixed(0), '—'],
    ['hydrations per event', ((m2.hydrations - m1.hydrations) / Math.max(1, m2.eventsReceived - m1.eventsReceived)).toFixed(2), '—'],
    ['ratio gateway / bare (delivery rate)', (rateG / Math.max(1, rateB)).toFixed(2), ''],
  ];
  const table = [`| ${rows[0].join(' | ')} |`, `|${rows[0].map(() => '---').join('|')}|`, ...rows.slice(1).map((r) => `| ${r.join(' | ')} |`)].join('\n');
  const header = `# Fan-out ${new Date().toISOString()}\n\n${N} subscribers, ${RATE} events/s for ${DURATION} s, loopback, load clients in ${gqlLoad.workers} separate process(es). Latency: event commit (its \`at\`) → delivery at the client.\n\n`;
  console.log(`\n${header}${table}\n`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const file = join(root, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-fanout.md`);
  writeFileSync(file, `${header}${table}\n`, { flag: 'a' });
  say(`written to ${file}`);
}

/**
 * --follow: N residents on myIssueEvents, resident i following request i % K. They subscribe
 * first and follow afterwards, so every follow reaches the gateway as a follow event on the bus
 * (the path a follow through another gateway takes), not in the read made on subscribe.
 */
async function followRun(origin, communityId, staff, dbUrl) {
  const url = `${origin}/graphql`;
  const metrics = (gc = false) => getJson(`${origin}/metrics/subscriptions${gc ? '?gc=1' : ''}`);
  const requests = [];
  for (let k = 0; k < K; k += 20) {
    const batch = await Promise.all(
      Array.from({ length: Math.min(20, K - k) }, (_, j) =>
        gql(url, 'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }', { i: { communityId, title: `关注 ${k + j}`, description: '压测', category: 'PUBLIC_FACILITIES' } }, staff),
      ),
    );
    requests.push(...batch.map((r) => r.raiseIssue.id));
  }
  say(`${K} requests raised`);
  for (let i = 0; i < 3; i++) (await metrics(true), await sleep(1000));
  const m0 = await metrics(true);
  const load = loadClients('mine', `ws://127.0.0.1:${origin.split(':').pop()}/graphql`, communityId, null);
  await load.ready;
  const tSub = Date.now();
  for (let i = 0; i < 1200; i++) {
    const m = await metrics();
    if (m.subscribers >= N && m.followLoads - m0.followLoads >= N) break;
    await sleep(100);
  }
  say(`${N} subscribed, follows read in ${Date.now() - tSub} ms`);
  (await metrics(true), await sleep(1000));
  const m1 = await metrics(true);
  // Now each resident follows their request: N follow events, applied by the gateway's index.
  // Written as followIssue writes them (a follow row and a follow_event row under the events'
  // lock) but in one transaction, so setting up 10,000 takes a second instead of minutes of
  // mutations on a shared box; the relay publishes them and the gateway hears them as it would.
  const { Client } = require('pg');
  const pg = new Client({ connectionString: dbUrl });
  await pg.connect();
  const tFollow = Date.now();
  const pairs = { issues: Array.from({ length: N }, (_, i) => requests[i % K]), residents: Array.from({ length: N }, (_, i) => `bench-resident-${i}`) };
  await pg.query('BEGIN');
  await pg.query("SELECT pg_advisory_xact_lock(hashtext('issues.issue_event'))");
  await pg.query('INSERT INTO issues.follow (issue_id, follower_id) SELECT * FROM unnest($1::uuid[], $2::text[]) ON CONFLICT DO NOTHING', [pairs.issues, pairs.residents]);
  await pg.query('INSERT INTO issues.follow_event (issue_id, follower_id, following) SELECT i, r, true FROM unnest($1::uuid[], $2::text[]) AS t(i, r)', [pairs.issues, pairs.residents]);
  await pg.query('COMMIT');
  await pg.end();
  // (Not a service commit, so no poke: the relay's 100 ms poll picks them up.)
  const followsDone = Date.now();
  let mf = await metrics();
  for (let i = 0; i < 600 && mf.followEvents - m1.followEvents < N; i++) (await sleep(100), (mf = await metrics()));
  say(`${N} follows committed in ${followsDone - tFollow} ms; ${mf.followEvents - m1.followEvents} follow events applied ${Date.now() - followsDone} ms after the commit`);
  (await metrics(true), await sleep(1000));
  const m2 = await metrics(true);
  const { sent, startedAt } = await drive(url, communityId, staff, requests);
  const answeredAfter = Date.now() - startedAt;
  // Each event goes to the residents following its request: N / K of them.
  const expected = Array.from({ length: sent }, (_, i) => Math.floor(N / K) + (i % K < N % K ? 1 : 0)).reduce((a, b) => a + b, 0);
  await settleDeliveries(async () => (await metrics()).deliveries - m2.deliveries, expected);
  const m3 = await metrics();
  const r = await load.report();
  const kb = (b) => (b / 1024).toFixed(1);
  const events = Math.max(1, m3.eventsReceived - m2.eventsReceived);
  const rows = [
    ['myIssueEvents', 'gateway (graphql-ws)'],
    ['delivered / expected', `${r.received} / ${expected}`],
    ['errors', String(r.errors)],
    ['delivery rate (msg/s)', (r.received / Math.max(DURATION, (r.lastAt - startedAt) / 1000)).toFixed(0)],
    ['latency p50 / p95 / p99 (ms, commit → client)', `${r.p50} / ${r.p95} / ${r.p99}`],
    ['events / hydrations (hydrations per event)', `${m3.eventsReceived - m2.eventsReceived} / ${m3.hydrations - m2.hydrations} (${((m3.hydrations - m2.hydrations) / events).toFixed(2)})`],
    ['gateway: hydration p50 / p99 (ms)', `${m3.latency?.hydrationMs.p50} / ${m3.latency?.hydrationMs.p99}`],
    ['gateway: event taken up → socket write p50 / p99 (ms)', `${m3.latency?.deliveryMs.p50} / ${m3.latency?.deliveryMs.p99}`],
    ['support votes sent over / all answered after (s)', `${DURATION} / ${(answeredAfter / 1000).toFixed(1)}`],
    ['groups', String(m3.groups)],
    ['follow reads on subscribe / during follows and run', `${m1.followLoads - m0.followLoads} / ${m3.followLoads - m1.followLoads}`],
    ['follow events applied (N follows while subscribed)', String(mf.followEvents - m1.followEvents)],
    ['gateway RSS / heap per subscriber (KB, after GC, follows read)', `${kb((m1.rssBytes - m0.rssBytes) / N)} / ${kb((m1.heapUsedBytes - m0.heapUsedBytes) / N)}`],
    ['gateway heap per follow added to the index (bytes, after GC)', ((m2.heapUsedBytes - m1.heapUsedBytes) / N).toFixed(0)],
    ['gateway RSS total (MB)', (m3.rssBytes / 1048576).toFixed(0)],
  ];
  const table = [`| ${rows[0].join(' | ')} |`, '|---|---|', ...rows.slice(1).map((x) => `| ${x.join(' | ')} |`)].join('\n');
  const header = `# Fan-out (myIssueEvents) ${new Date().toISOString()}\n\n${N} residents each following 1 of ${K} requests, ${RATE} support votes/s for ${DURATION} s, loopback, load clients in ${load.workers} process(es).\n\n`;
  console.log(`\n${header}${table}\n`);
  mkdirSync(join(root, 'bench', 'results'), { recursive: true });
  const file = join(root, 'bench', 'results', `${new Date().toISOString().slice(0, 10)}-fanout.md`);
  writeFileSync(file, `${header}${table}\n`, { flag: 'a' });
  say(`written to ${file}`);
}

main().then(
  () => stop(0),
  (e) => (say(`failed: ${e.stack ?? e}`), stop(1)),
);
