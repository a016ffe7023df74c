// `npm run bench` (quick, < 3 min) / `npm run bench -- --full`: our gateway against Hive Gateway
// on the same subgraphs, on this machine, in one run. See bench/README.md.
// Builds nothing: run `npm run build` first.
import { execFileSync } from 'node:child_process';
import { cpus } from 'node:os';
import { chmodSync, cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, require, fmt, freePort, median, portInUse, ratio, runJsonChild, startChild, table, waitHttp } from './lib/util.mjs';
import { listOps, OVERVIEW, TREND_MONTH_WEEKS, TREND_YEAR_MONTHS } from './operations.mjs';
import { throughput } from './throughput.mjs';
import { summariseProfile } from './lib/profile.mjs';

const args = process.argv.slice(2);
if (args.includes('--help') || args.includes('-h')) {
  console.log(`npm run bench [-- --full] [-- --only=1,2,3,4,5,6] [-- --profile]
  Builds nothing: run \`npm run build\` first (it runs the built dist/ of every package).
  quick (default): 2 rounds x 5 s per target (identical requests: 3 s); --full: 3 rounds x 10 s; 50 connections.
  --only=…   run only these sections (1 throughput, 2 SQL per request, 3 votes, 4 fan-out, 5 start-up, 6 analytics)
  --ops=mixed,issuesMix,openRequests,issueTimeline,overview   section 1 with these workloads only
    (mixed: the mixed workload; issuesMix: its single-subgraph part, also sent to the subgraph directly;
     the others: one identical request each)
  --profile[=gateway,issues,…]  run those processes (default our gateway) with --cpu-prof and print where their time went
  Results: printed, and written to bench/results/<date>.md`);
  process.exit(0);
}
const FULL = args.includes('--full');
// --profile: our gateway; --profile=gateway,issues: those processes (subgraph names too).
const profileArg = args.find((a) => a === '--profile' || a.startsWith('--profile='));
const PROFILE = profileArg ? new Set(profileArg.includes('=') ? profileArg.split('=')[1].split(',') : ['gateway']) : null;
const profFlags = (name, dir) => (PROFILE?.has(name) ? ['--cpu-prof', `--cpu-prof-dir=${dir}`, `--cpu-prof-name=${name}.cpuprofile`] : []);
const onlyArg = args.find((a) => a.startsWith('--only='));
const ONLY = onlyArg ? new Set(onlyArg.slice(7).split(',').map(Number)) : null;
const want = (n) => !ONLY || ONLY.has(n);
const opsArg = args.find((a) => a.startsWith('--ops='));
const OPS = opsArg ? new Set(opsArg.slice(6).split(',')) : null;
// durationSec: each mixed run (and sections 3–6); identicalSec: each identical-request run of section 1.
const CFG = FULL ? { mode: 'full', rounds: 3, durationSec: 10, identicalSec: 10, warmSec: 3 } : { mode: 'quick', rounds: 2, durationSec: 5, identicalSec: 3, warmSec: 1 };
const CONNECTIONS = 50;
const VOTERS = 1000;
const HOT_PER_RUN = 3;

const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', GATEWAY_SECRET: 'bench-gateway-secret-0123456789abcdef' };
const shared = require('@plaza/shared');
const { createTestDatabase } = require('@plaza/shared/testing');
const { Client } = require('pg');

const say = (m) => console.error(`[bench] ${m}`);
const out = []; // markdown of the report
const section = (title, body) => {
  const text = `\n## ${title}\n\n${body}\n`;
  console.log(text);
  out.push(text);
};
const verdict = (ok) => (ok ? 'PASS' : 'MISS');

const started = Date.now();
const children = [];
let db;
let pg;
const cleanup = async () => {
  for (const c of children.reverse()) await c.stop().catch(() => {});
  children.length = 0;
  await pg?.end().catch(() => {});
  await db?.drop().catch((e) => say(`could not drop ${db.name}: ${e.message}`));
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

async function post(url, query, variables = {}, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  const text = await res.text();
  return { status: res.status, text, json: JSON.parse(text) };
}

// ---------------------------------------------------------------- the system under test
async function startStack() {
  db = await createTestDatabase('bench');
  say(`database ${db.name}; seeding the demo world…`);
  const { seedDemoWorld } = await import('../scripts/seed-demo.mjs');
  await seedDemoWorld(db.url, (line) => say(line));
  pg = new Client({ connectionString: db.url });
  await pg.connect();

  const [sp, ip, vp, gp, hp, np] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort(), freePort()]);
  const url = (p) => `http://127.0.0.1:${p}/graphql`;
  const urls = { sessions: url(sp), issues: url(ip), volunteering: url(vp) };
  const base = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL: db.url,
    REDIS_URL: process.env.REDIS_URL || shared.DEFAULT_REDIS_URL,
    // Own channels, so a test run or `npm start` on the same Redis never sees the bench's events.
    PLAZA_CHANNEL_PREFIX: `bench_${db.name.slice(-8)}`,
    HOST: '127.0.0.1',
    SESSIONS_URL: urls.sessions,
    ISSUES_URL: urls.issues,
    VOLUNTEERING_URL: urls.volunteering,
    ...SECRETS,
  };
  const profDir = join(ROOT, 'bench', 'results', `prof-${stamp}`);
  if (PROFILE) mkdirSync(profDir, { recursive: true });
  const exp = Object.fromEntries(Object.entries(process.env).filter(([k]) => k.startsWith('PLAZA_EXP_') || k === 'PLAZA_SHARE_INFLIGHT'));
  const subs = [
    ['sessions', sp],
    ['issues', ip],
    ['volunteering', vp],
  ].map(([name, port]) => startChild(name, [join(ROOT, 'services', name, 'dist', 'index.js')], { ...base, ...exp, PORT: String(port) }, {
      // BENCH_SUBGRAPH_PRELOAD (bench/experiments/*.cjs): the same for the subgraphs.
      nodeArgs: [...(process.env.BENCH_SUBGRAPH_PRELOAD ? ['--require', process.env.BENCH_SUBGRAPH_PRELOAD] : []), ...profFlags(name, profDir)],
    }));
  children.push(...subs);
  await Promise.all(subs.map((c, i) => waitHttp(`http://127.0.0.1:${[sp, ip, vp][i]}/ready`, { child: c })));

  // BENCH_GATEWAY_PRELOAD (bench/experiments/*.cjs) measures a fix before it is made in gateway/src.
  const preload = process.env.BENCH_GATEWAY_PRELOAD ? ['--require', process.env.BENCH_GATEWAY_PRELOAD] : [];
  const ours = startChild('gateway', [join(ROOT, 'gateway', 'dist', 'index.js')], { ...base, ...exp, PORT: String(gp) }, {
    nodeArgs: [...preload, ...profFlags('gateway', profDir)],
  });
  const hive = startChild('hive', [join(ROOT, 'bench', 'hive-gateway.mjs')], { ...base, PORT: String(hp) });
  // Section 1 also runs our gateway without in-flight sharing (a process of its own, idle otherwise).
  const noshare = startChild('gateway-noshare', [join(ROOT, 'gateway', 'dist', 'index.js')], { ...base, ...exp, PLAZA_SHARE_INFLIGHT: '0', PORT: String(np) }, { nodeArgs: preload });
  children.push(ours, hive, noshare);
  await waitHttp(`http://127.0.0.1:${gp}/ready`, { child: ours });
  await waitHttp(`http://127.0.0.1:${hp}/readiness`, { child: hive });
  await waitHttp(`http://127.0.0.1:${np}/ready`, { child: noshare });
  say(`up: ours :${gp}, hive :${hp}, ours without sharing :${np}, subgraphs ${sp}/${ip}/${vp}`);
  return { urls, ours: url(gp), hive: url(hp), oursNoShare: url(np), profDir, byName: { sessions: subs[0], issues: subs[1], volunteering: subs[2], gateway: ours, hive, noshare } };
}

async function fixtures() {
  const open = `('SUBMITTED','CLAIMED','IN_PROGRESS','FEEDBACK_GIVEN','RECTIFYING')`;
  const { rows: c } = await pg.query(`SELECT community_id FROM issues.issue WHERE status IN ${open} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
  const { rows: i } = await pg.query(`SELECT issue_id FROM issues.issue_event GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
  const { rows: hot } = await pg.query(`SELECT id FROM issues.issue WHERE status IN ${open} ORDER BY raised_at DESC, id LIMIT 40`);
  if (!c.length || !i.length) throw new Error('the demo world has no open requests: did seeding work?');
  return { communityId: c[0].community_id, issueId: i[0].issue_id, hot: hot.map((r) => r.id) };
}

// ---------------------------------------------------------------- 2 + 6. SQL counted in-process
/** The three subgraphs and our gateway inside this process, each data source with a StatementCounter. */
async function startCountedStack(databaseUrl) {
  const log = shared.createLogger('bench', 'silent');
  const counters = {};
  const apps = [];
  const dss = [];
  const urls = {};
  const mk = async (name, factory, extra) => {
    const pkg = require(`@plaza/${name}`);
    counters[name] = new shared.StatementCounter();
    const ds = pkg[factory](databaseUrl, counters[name]);
    await ds.initialize();
    dss.push(ds);
    const app = await pkg.createServer({ dataSource: ds, gatewaySecret: SECRETS.GATEWAY_SECRET, log, ...extra });
    const port = await app.listen(0, '127.0.0.1');
    apps.push(app);
    urls[name] = `http://127.0.0.1:${port}/graphql`;
  };
  await mk('sessions', 'createSessionsDataSource', {});
  await mk('issues', 'createIssuesDataSource', { sessionsUrl: urls.sessions });
  await mk('volunteering', 'createVolunteeringDataSource', { sessionsUrl: urls.sessions, issuesUrl: urls.issues });
  const { createGatewayServer } = require('@plaza/gateway');
  const gw = await createGatewayServer({ subgraphUrls: urls, jwtSecret: SECRETS.JWT_SECRET, gatewaySecret: SECRETS.GATEWAY_SECRET, log,
    // The 100-row lists with nested lists are over the default cost budget; only SQL is counted here.
    limits: { maxCost: 10_000_000 } });
  const port = await gw.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/graphql`;
  const reset = () => Object.values(counters).forEach((c) => c.reset());
  const counts = () => Object.fromEntries(Object.entries(counters).map(([k, c]) => [k, c.count]));
  const recent = () => Object.values(counters).flatMap((c) => c.recent.map((q) => q.replace(/\s+/g, ' ')));
  return {
    url,
    reset,
    counts,
    recent,
    async close() {
      await gw.close();
      for (const a of apps.reverse()) await a.close();
      for (const d of dss) await d.destroy();
    },
  };
}

async function sqlPerRequest(counted, f) {
  const rows = [];
  let allEqual = true;
  const viewer = { 'content-type': 'application/json' };
  for (const op of listOps(f)) {
    await post(counted.url, op.query, { n: 5 }, viewer); // warm (schema caches, plans)
    const per = {};
    for (const n of [5, 100]) {
      counted.reset();
      const r = await post(counted.url, op.query, { n });
      if (r.json.errors?.length) throw new Error(`${op.name}: ${r.text.slice(0, 500)}`);
      per[n] = { counts: counted.counts(), rows: op.rows(r.json.data), sql: counted.recent() };
    }
    // N+1 shows as one statement text repeated per row. A stage whose keys are all empty (no
    // team assigned to any of the first 5 requests) issues no SQL at all, so 5 rows may need
    // fewer statements than 100 without any per-row query: count repeats to tell the two apart.
    const repeats = (sql) => {
      const seen = new Map();
      for (const q of sql) if (!/^(START TRANSACTION|BEGIN|COMMIT|ROLLBACK)/i.test(q)) seen.set(q, (seen.get(q) ?? 0) + 1);
      return [...seen.values()].reduce((a, c) => a + (c > 1 ? c - 1 : 0), 0);
    };
    const rep = repeats(per[100].sql);
    const equal = Object.keys(per[5].counts).every((k) => per[5].counts[k] === per[100].counts[k]);
    const ok = equal || rep === 0;
    allEqual &&= ok;
    const show = (p) => Object.entries(p.counts).map(([k, v]) => `${k[0]}:${v}`).join(' ');
    rows.push([op.name, `${per[5].rows} → ${per[100].rows}`, show(per[5]), show(per[100]), rep, verdict(ok) + (equal ? '' : ' (extra stage, no repeats)')]);
  }
  section(
    '2. SQL statements per request, per subgraph (s = sessions, i = issues, v = volunteering), counted with StatementCounter in-process',
    `${table(['list operation (through our gateway)', 'rows (first: 5 → 100)', 'SQL at 5', 'SQL at 100', 'repeated statements at 100', 'independent of size'], rows)}\n\nTarget: SQL independent of list size — ${verdict(allEqual)}`,
  );
}

async function analytics(counted, stack) {
  const ops = [
    ['overview(scope:"city") 2025', OVERVIEW],
    ['issueTrend WEEK, March 2025', TREND_MONTH_WEEKS],
    ['issueTrend MONTH, 2025', TREND_YEAR_MONTHS],
  ];
  const rows = [];
  for (const [name, query] of ops) {
    await post(stack.ours, query);
    const times = [];
    for (let i = 0; i < 7; i++) {
      const t = process.hrtime.bigint();
      const r = await post(stack.ours, query);
      times.push(Number(process.hrtime.bigint() - t) / 1e6);
      if (r.json.errors?.length) throw new Error(`${name}: ${r.text.slice(0, 300)}`);
    }
    counted.reset();
    await post(counted.url, query);
    const c = counted.counts();
    rows.push([name, fmt(median(times), 1), fmt(Math.max(...times), 1), Object.entries(c).map(([k, v]) => `${k}: ${v}`).join(', ')]);
  }
  section('6. Analytics on the demo dataset (one client, through our gateway, 7 runs after a warm-up)', table(['query', 'median ms', 'max ms', 'SQL statements per subgraph'], rows));
}

// ---------------------------------------------------------------- 3. votes
async function votes(stack, f) {
  const hot = [...f.hot];
  const take = (n) => hot.splice(0, n);
  const supportOf = async (ids) => {
    const { rows } = await pg.query(`SELECT i.id, i.support_count, (SELECT count(*)::int FROM issues.support s WHERE s.issue_id = i.id) AS rows FROM issues.issue i WHERE i.id = ANY($1)`, [ids]);
    return Object.fromEntries(rows.map((r) => [r.id, { count: r.support_count, rows: r.rows }]));
  };
  const targets = [
    { key: 'gateway', url: stack.ours, mode: 'gateway' },
    { key: 'direct', url: stack.urls.issues, mode: 'direct' },
  ];
  const job = (t, ids, voters, runId) => ({ url: t.url, issueIds: ids, voters, mode: t.mode, jwtSecret: SECRETS.JWT_SECRET, gatewaySecret: SECRETS.GATEWAY_SECRET, runId });
  say('votes: warm-up');
  // Warm-up at full concurrency, so both targets start with their connection pools open.
  for (const t of targets) await runJsonChild(join(ROOT, 'bench', 'vote-load.mjs'), job(t, take(1), VOTERS, `warm-${t.key}`));
  const runs = { gateway: [], direct: [] };
  const rows = [];
  let exact = true;
  for (let r = 0; r < CFG.rounds; r++) {
    for (const t of r % 2 ? [...targets].reverse() : targets) {
      const ids = take(HOT_PER_RUN);
      const before = await supportOf(ids);
      const res = await runJsonChild(join(ROOT, 'bench', 'vote-load.mjs'), job(t, ids, VOTERS, `${r}-${t.key}`), { timeoutMs: 300_000 });
      const after = await supportOf(ids);
      // Voter i supports ids[i % ids.length]: each request must gain exactly its voters, in the
      // tally and in support rows (the demo seed's tallies have no rows, so deltas are compared).
      const expected = (k) => Math.floor(VOTERS / ids.length) + (k < VOTERS % ids.length ? 1 : 0);
      const okIds = ids.every((id, k) => after[id].count - before[id].count === expected(k) && after[id].rows - before[id].rows === expected(k));
      // Read back through the gateway too: the tally clients see.
      const seen = await post(stack.ours, `query($id: ID!) { issue(id: $id) { supportCount } }`, { id: ids[0] });
      const okSeen = seen.json.data?.issue?.supportCount === after[ids[0]].count;
      const ok = okIds && okSeen && res.errors === 0;
      exact &&= ok;
      runs[t.key].push(res.votesPerSec);
      rows.push([r + 1, t.key, res.votes, res.errors, fmt(res.seconds, 2), fmt(res.votesPerSec), `${fmt(res.p50)} / ${fmt(res.p99)}`, ids.map((id) => `${before[id].count}→${after[id].count}`).join(', '), verdict(ok)]);
      if (res.errors) {
        say(`vote errors: ${res.firstErrors.join(' | ')}`);
        // What the subgraph call failed with, as the gateway logged it (LOG_LEVEL=warn).
        if (t.key === 'gateway') say(`gateway log: ${stack.byName.gateway.tail.filter((l) => l.includes('subgraph call failed')).slice(-3).join('\n')}`);
      }
    }
  }
  const g = median(runs.gateway);
  const d = median(runs.direct);
  section(
    `3. Votes: ${VOTERS} concurrent RESIDENT voters (distinct tokens) on ${HOT_PER_RUN} hot requests, one supportIssue each, alternated`,
    [
      table(['round', 'target', 'votes', 'errors', 'seconds', 'votes/s', 'p50 / p99 ms', 'supportCount before→after', 'exact'], rows),
      '',
      table(['target', 'measured', 'verdict'], [
        ['votes exact (count = distinct voters, = support rows, = what the gateway reads)', exact ? 'exact' : 'NOT exact', verdict(exact)],
        ['gateway ≥ 0.9× direct votes/s', `${fmt(g)} vs ${fmt(d)} = ${fmt(ratio(g, d), 2)}×`, verdict(ratio(g, d) >= 0.9)],
      ]),
    ].join('\n'),
  );
}

// ---------------------------------------------------------------- 4. fan-out
async function fanout() {
  const script = join(ROOT, 'bench', 'fanout.mjs');
  if (!existsSync(script)) {
    section('4. Fan-out', 'fan-out: see npm run bench:fanout (bench/fanout.mjs is not there yet)');
    return;
  }
  say('fan-out: node bench/fanout.mjs --quick');
  try {
    const text = execFileSync(process.execPath, [script, '--quick'], { cwd: ROOT, encoding: 'utf8', timeout: 180_000, stdio: ['ignore', 'pipe', 'inherit'] });
    section('4. Fan-out (node bench/fanout.mjs --quick)', text.trim());
  } catch (e) {
    section('4. Fan-out', `bench/fanout.mjs --quick failed: ${String(e.message).split('\n')[0]}\n\n${e.stdout ?? ''}`);
  }
}

// ---------------------------------------------------------------- 5. start-up
/**
 * `node scripts/start.mjs` with the embedded default (no DATABASE_URL / REDIS_URL). start.mjs
 * keeps its data in <root>/.data/pg, so it runs from a scratch root (a copy of start.mjs, the
 * packages linked in) and starts cold, as after install: initdb, migrations, four servers.
 * Its subgraph ports are fixed (4001–4003); if they are taken the measurement is skipped.
 */
async function startup() {
  const busy = [];
  for (const p of [4001, 4002, 4003]) if (await portInUse(p)) busy.push(p);
  if (busy.length) {
    section('5. Start-up', `skipped: ports ${busy.join(', ')} are in use (scripts/start.mjs fixes the subgraph ports)`);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'plaza-bench-start-'));
  chmodSync(scratch, 0o755); // the embedded Postgres runs as the postgres user and must reach .data
  // start.mjs imports its neighbours (seed-demo.mjs): copy the whole folder.
  cpSync(join(ROOT, 'scripts'), join(scratch, 'scripts'), { recursive: true });
  for (const entry of ['package.json', 'node_modules', 'shared', 'services', 'gateway']) symlinkSync(join(ROOT, entry), join(scratch, entry));
  const rows = [];
  try {
    for (const kind of ['cold (first start: initdb + demo year)', 'warm (data directory exists)']) {
      const [pgPort, port] = [await freePort(), await freePort()];
      const env = { ...process.env, PLAZA_EMBEDDED_PG_PORT: String(pgPort), PORT: String(port), LOG_LEVEL: 'warn' };
      delete env.DATABASE_URL;
      delete env.REDIS_URL;
      const t0 = Date.now();
      const child = startChild('start.mjs', [join(scratch, 'scripts', 'start.mjs')], env, { cwd: scratch });
      try {
        await waitHttp(`http://127.0.0.1:${port}/ready`, { child, timeoutMs: 90_000 });
        const s = (Date.now() - t0) / 1000;
        rows.push([kind, fmt(s, 1), verdict(s < 30)]);
      } catch (e) {
        rows.push([kind, `failed: ${String(e.message).split('\n')[0]}`, 'MISS']);
        say(child.tail.join('\n'));
      } finally {
        await child.stop('SIGINT');
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  section('5. Start-up: `node scripts/start.mjs`, embedded default (no DATABASE_URL / REDIS_URL), to /ready 200', `${table(['start', 'seconds', '< 30 s'], rows)}\n\n(ran from a scratch root with scripts/ copied and the packages linked, so .data/pg is fresh — the cold start includes initdb and loading the demo year; pg on a free port via PLAZA_EMBEDDED_PG_PORT)`);
}

// ---------------------------------------------------------------- main
const now = new Date();
const stamp = now.toISOString().replace(/:/g, '-').slice(0, 16);
let commit = 'unknown';
try {
  commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  if (execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim()) commit += ' (with uncommitted changes)';
} catch {}
const header = `# Bench ${now.toISOString()} — ${CFG.mode} mode

- machine: ${cpus().length} CPUs (${cpus()[0]?.model ?? '?'}), Node ${process.version}, commit ${commit}
- load: bench/load.mjs in a separate process on loopback, ${CONNECTIONS} connections, warm-up ${CFG.warmSec} s, ${CFG.rounds} rounds × ${CFG.durationSec} s (identical requests in section 1: ${CFG.identicalSec} s), A/B order alternated per round
${process.env.BENCH_GATEWAY_PRELOAD || process.env.BENCH_SUBGRAPH_PRELOAD ? `- **EXPERIMENT**: preloaded gateway=${process.env.BENCH_GATEWAY_PRELOAD ?? '-'} subgraphs=${process.env.BENCH_SUBGRAPH_PRELOAD ?? '-'} (${Object.entries(process.env).filter(([k]) => k.startsWith('PLAZA_EXP_')).map(([k, v]) => `${k}=${v}`).join(' ')})\n` : ''}- every server is its own process: 3 subgraphs, our gateway, Hive Gateway ${require('@graphql-hive/gateway/package.json').version}; NODE_ENV=production; Postgres ${'127.0.0.1:5432'} (database of its own, demo world)`;
console.log(header);
out.push(header + '\n');

let failed = false;
try {
  if ([1, 2, 3, 6].some(want)) {
    const stack = await startStack();
    const f = await fixtures();
    if (want(1)) {
      await throughput({ stack, fixtures: f, pg, database: db.name, cfg: CFG, connections: CONNECTIONS, ops: OPS, secrets: SECRETS, say, section });
    }
    if (want(2) || want(6)) {
      const counted = await startCountedStack(db.url);
      try {
        if (want(2)) await sqlPerRequest(counted, f);
        if (want(6)) await analytics(counted, stack);
      } finally {
        await counted.close();
      }
    }
    if (want(3)) await votes(stack, f);
    if (PROFILE) {
      // A profile is written when the process exits.
      for (const name of PROFILE) await stack.byName[name]?.stop();
      for (const name of PROFILE) {
        const file = join(stack.profDir, `${name}.cpuprofile`);
        if (existsSync(file)) section(`Where ${name}'s CPU went (--cpu-prof, ${file.slice(ROOT.length + 1)})`, summariseProfile(file));
      }
    }
    await cleanup();
  }
  if (want(4)) await fanout();
  if (want(5)) await startup();
} catch (e) {
  failed = true;
  say(`failed: ${e?.stack ?? e}`);
  out.push(`\n**The run failed:** ${String(e?.message ?? e)}\n`);
} finally {
  await cleanup();
}
const misses = out.join('').match(/\bMISS\b/g)?.length ?? 0;
const footer = `\n---\n${misses ? `${misses} target(s) MISSED` : 'all targets PASS'}; took ${((Date.now() - started) / 1000).toFixed(0)} s.\n`;
console.log(footer);
out.push(footer);
mkdirSync(join(ROOT, 'bench', 'results'), { recursive: true });
const file = join(ROOT, 'bench', 'results', `${stamp}.md`);
writeFileSync(file, out.join(''));
say(`written to ${file}`);
process.exit(failed ? 1 : 0);
