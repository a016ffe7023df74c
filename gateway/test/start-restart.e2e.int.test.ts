import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { freeLoopbackPort as freePort } from '@plaza/shared/cluster';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createTestDatabase, type TestDatabase } from '@plaza/shared/testing';

/**
 * `npm start` with REDIS_URL (one process per package) as a supervisor (issue 11, finding 1: one
 * crash used to stop the whole system): a subgraph killed outright is started again and the
 * gateway is ready again; SIGTERM still stops every process. On free ports (PORT and
 * SESSIONS_PORT / ISSUES_PORT / VOLUNTEERING_PORT), so it runs beside a live `npm start`.
 */

const ROOT = join(__dirname, '..', '..');
jest.setTimeout(120_000);

let gatewayPort = 0;

const children = (pid: number): { pid: number; args: string }[] => {
  try {
    return execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(pid)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l.trim())
      .map((l) => {
        const [p, ...rest] = l.trim().split(/\s+/);
        return { pid: Number(p), args: rest.join(' ') };
      });
  } catch {
    return [];
  }
};

async function until(check: () => Promise<boolean> | boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 250));
  }
  return false;
}

const ready = async () => {
  try {
    return (await fetch(`http://127.0.0.1:${gatewayPort}/ready`, { signal: AbortSignal.timeout(2000) })).status === 200;
  } catch {
    return false;
  }
};

let db: TestDatabase | null = null;
let start: ChildProcess | null = null;
let output = '';

afterAll(async () => {
  if (start && start.exitCode === null) {
    start.kill('SIGTERM');
    await new Promise((r) => start!.once('exit', r));
  }
  await db?.drop();
});

it('restarts a subgraph that died, and SIGTERM stops them all', async () => {
  const [g, s, i, v] = [await freePort(), await freePort(), await freePort(), await freePort()];
  gatewayPort = g;
  db = await createTestDatabase('start');
  start = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL || 'redis://127.0.0.1:6379',
      PLAZA_CHANNEL_PREFIX: `plaza-start-${randomBytes(4).toString('hex')}`,
      LOG_LEVEL: 'warn',
      PORT: String(g),
      SESSIONS_PORT: String(s),
      ISSUES_PORT: String(i),
      VOLUNTEERING_PORT: String(v),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  start.stdout!.on('data', (b: Buffer) => (output += b.toString()));
  start.stderr!.on('data', (b: Buffer) => (output += b.toString()));
  expect(await until(() => output.includes('is up'), 60_000)).toBe(true);

  const issues = children(start.pid!).find((c) => c.args.includes(join('services', 'issues', 'dist', 'index.js')));
  expect(issues).toBeDefined();
  process.kill(issues!.pid, 'SIGKILL');
  expect(await until(() => output.includes('issues exited (SIGKILL); restarting it'), 10_000)).toBe(true);
  expect(await until(async () => (await ready()) && children(start!.pid!).some((c) => c.args.includes('issues') && c.pid !== issues!.pid), 30_000)).toBe(true);
  const res = await fetch(`http://127.0.0.1:${gatewayPort}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: '{ issues(first: 1) { totalCount } }' }),
  });
  expect(((await res.json()) as { data?: unknown }).data).toEqual({ issues: { totalCount: 0 } });

  const before = children(start.pid!).map((c) => c.pid);
  expect(before.length).toBe(4);
  start.kill('SIGTERM');
  await new Promise((r) => start!.once('exit', r));
  const alive = before.filter((pid) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  });
  expect(alive).toEqual([]);
});
