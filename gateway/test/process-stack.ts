import { spawn, type ChildProcess } from 'node:child_process';
import { freeLoopbackPort } from '@plaza/shared/cluster';
import { join } from 'node:path';
import { createTestDatabase, TEST_GATEWAY_SECRET, TEST_JWT_SECRET, type TestDatabase } from '@plaza/shared/testing';
import { signToken, type Role } from '@plaza/shared';

/**
 * The system as operators run it: each subgraph and the gateway in a process of its own (their
 * built `dist/index.js`), talking over Redis, on one fresh database with the demo year loaded.
 * For the suites that must see a process die (hostile input): an in-process stack would take
 * the test runner down with it, or hide an unhandled rejection in jest's own handlers.
 */

const ROOT = join(__dirname, '..', '..');
const REDIS_URL = process.env.REDIS_URL || 'redis://127.0.0.1:6379';

export interface Proc {
  label: string;
  child: ChildProcess;
  /** Every line the process wrote (pino JSON on stdout, anything on stderr), last 2,000 kept. */
  lines: string[];
  readonly alive: boolean;
  /** Lines that show an unhandled rejection, an uncaught exception or a crash. */
  faults(): string[];
}

export interface ProcessStack {
  origin: string;
  url: string;
  wsUrl: string;
  db: TestDatabase;
  prefix: string;
  procs: Proc[];
  /** Each process's own origin (http://127.0.0.1:<port>), by package name. */
  origins: Record<'gateway' | 'sessions' | 'issues' | 'volunteering', string>;
  token(sub: string, roles: Role[], communities?: string[]): Promise<string>;
  stop(): Promise<void>;
}

export const freePort = freeLoopbackPort;

const FAULT = /unhandled ?rejection|uncaught ?exception|FATAL|Segmentation|heap out of memory/i;

function startProc(label: string, entry: string, env: NodeJS.ProcessEnv, nodeArgs: string[] = []): Proc {
  const child = spawn(process.execPath, [...nodeArgs, entry], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (buf: Buffer) => {
    for (const line of buf.toString('utf8').split('\n')) {
      if (!line.trim()) continue;
      lines.push(line);
      if (lines.length > 2000) lines.shift();
    }
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return {
    label,
    child,
    lines,
    get alive() {
      return child.exitCode === null && child.signalCode === null;
    },
    faults: () => lines.filter((l) => FAULT.test(l)),
  };
}

async function waitReady(url: string, proc: Proc, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  let last = '';
  while (Date.now() < until) {
    if (!proc.alive) throw new Error(`${proc.label} exited before ${url} answered:\n${proc.lines.slice(-30).join('\n')}`);
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      last = `${res.status} ${await res.text()}`;
      if (res.status === 200) return;
    } catch (e) {
      last = (e as Error).message;
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${url} not ready in ${timeoutMs} ms: ${last}`);
}

function seed(databaseUrl: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [join(ROOT, 'scripts', 'seed-demo.mjs')], {
      cwd: ROOT,
      env: { ...process.env, DATABASE_URL: databaseUrl },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    child.stderr!.on('data', (b: Buffer) => (err = (err + b.toString()).slice(-4000)));
    child.on('exit', (code) => (code === 0 ? resolve() : reject(new Error(`seed-demo exited ${code}: ${err}`))));
  });
}

function stopProc(p: Proc): Promise<void> {
  if (!p.alive) return Promise.resolve();
  return new Promise((resolve) => {
    const t = setTimeout(() => p.child.kill('SIGKILL'), 10_000);
    p.child.once('exit', () => {
      clearTimeout(t);
      resolve();
    });
    p.child.kill('SIGTERM');
  });
}

export interface ProcessStackOptions {
  /** Load the demo year first (ids to aim at). Default true. */
  demo?: boolean;
  /** Extra environment for every process. */
  env?: Record<string, string>;
  /** Extra environment for one process only, by package name (wins over `env`). */
  envOf?: Partial<Record<'gateway' | 'sessions' | 'issues' | 'volunteering', Record<string, string>>>;
  /** Node flags for the gateway, e.g. ['--expose-gc']. */
  gatewayNodeArgs?: string[];
}

export async function startProcessStack(o: ProcessStackOptions = {}): Promise<ProcessStack> {
  const db = await createTestDatabase('procs');
  const procs: Proc[] = [];
  const stop = async () => {
    for (const p of procs.reverse()) await stopProc(p);
    await db.drop().catch(() => {});
  };
  try {
    if (o.demo ?? true) await seed(db.url);
    const prefix = `plaza-procs-${db.name.slice(-8)}`;
    const [sp, ip, vp, gp] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const base: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      NODE_ENV: 'development',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL,
      PLAZA_CHANNEL_PREFIX: prefix,
      HOST: '127.0.0.1',
      SESSIONS_URL: `http://127.0.0.1:${sp}/graphql`,
      ISSUES_URL: `http://127.0.0.1:${ip}/graphql`,
      VOLUNTEERING_URL: `http://127.0.0.1:${vp}/graphql`,
      GATEWAY_SECRET: TEST_GATEWAY_SECRET,
      JWT_SECRET: TEST_JWT_SECRET,
      ...o.env,
    };
    // In dependency order: issues checks ids against sessions, volunteering against both.
    for (const [name, port] of [['sessions', sp], ['issues', ip], ['volunteering', vp]] as const) {
      const p = startProc(name, join(ROOT, 'services', name, 'dist', 'index.js'), { ...base, ...o.envOf?.[name], PORT: String(port) });
      procs.push(p);
      await waitReady(`http://127.0.0.1:${port}/ready`, p);
    }
    const g = startProc('gateway', join(ROOT, 'gateway', 'dist', 'index.js'), { ...base, ...o.envOf?.gateway, PORT: String(gp) }, o.gatewayNodeArgs);
    procs.push(g);
    const origin = `http://127.0.0.1:${gp}`;
    await waitReady(`${origin}/ready`, g);
    return {
      origin,
      url: `${origin}/graphql`,
      wsUrl: `ws://127.0.0.1:${gp}/graphql`,
      db,
      prefix,
      procs,
      origins: { gateway: origin, sessions: `http://127.0.0.1:${sp}`, issues: `http://127.0.0.1:${ip}`, volunteering: `http://127.0.0.1:${vp}` },
      token: (sub, roles, communities = []) => signToken({ sub, roles, communities }, TEST_JWT_SECRET),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
