import { request as httpRequest } from 'node:http';
import { buildClientSchema, getIntrospectionQuery, type GraphQLSchema } from 'graphql';
import { Client } from 'pg';
import WebSocket from 'ws';
import { Random } from '@plaza/shared/demo';
import { signToken } from '@plaza/shared';
import { startProcessStack, type ProcessStack } from '../process-stack';
import { httpCase, wsMessages, type HttpCase, type Ids } from './fuzz.cases';

/**
 * The hostile suite of issue 11: a seeded fuzzer against the real system in separate processes
 * (three subgraphs, the gateway, PostgreSQL, Redis). FUZZ_SEED and FUZZ_CASES override the seed
 * and the number of HTTP cases (default 10,000); a failure names its seed and case index.
 * While it runs, a canary subscriber must keep receiving; afterwards every process must be
 * alive and ready, nothing logged as an unhandled rejection, and the gateway's heap back near
 * where it started once the sockets are gone.
 */

const SEED = Number(process.env.FUZZ_SEED || 20261204);
const CASES = Number(process.env.FUZZ_CASES || 10_000);
const WS_SOCKETS = 60;
const WS_MESSAGES_PER_SOCKET = 40;
// Two clients in flight already drive the system at its full rate on 2 cores (measured 204
// cases/s at 2, 186 at 4): more only queues, and the latency measured would be the queue's.
const CONCURRENCY = Number(process.env.FUZZ_CONCURRENCY || 2);
// What must never reach a client: SQL, driver messages, a subgraph's raw reply, stack frames, paths.
const LEAK =
  /invalid input syntax|invalid byte sequence|syntax error at or near|relation "|column "|duplicate key|violates|QueryFailedError|TypeError|ReferenceError|\bat [\w.<>]+ \(|node_modules|\/work\/|\/dist\/|400: Bad Request|fetch failed|ECONNREFUSED/;

jest.setTimeout(600_000);

interface Outcome {
  c: HttpCase;
  index: number;
  status: number;
  codes: string[];
  ms: number;
  problem?: string;
}

let stack: ProcessStack;
let schema: GraphQLSchema;
let ids: Ids;
const tokens: Record<string, string> = {};
const outcomes: Outcome[] = [];
const figures: Record<string, unknown> = {};

function send(c: HttpCase): Promise<{ status: number; text: string }> {
  const u = new URL(stack.url);
  const headers: Record<string, string | number> = { ...c.headers };
  if (c.as !== 'anonymous') headers.authorization = `Bearer ${tokens[c.as]}`;
  const body = c.body === undefined ? undefined : Buffer.isBuffer(c.body) ? c.body : Buffer.from(c.body);
  if (body) headers['content-length'] = body.length;
  return new Promise((resolve) => {
    const req = httpRequest({ host: u.hostname, port: u.port, path: `${u.pathname}${c.search ?? ''}`, method: c.method, headers, timeout: 30_000 }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (b: Buffer) => chunks.push(b));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', (e) => resolve({ status: -1, text: `response error ${e.message}` }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (e) => resolve({ status: -1, text: `connection error ${e.message}` }));
    req.end(body);
  });
}

function judge(c: HttpCase, index: number, status: number, text: string, ms: number): Outcome {
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* judged below */
  }
  const codes: string[] = (json?.errors ?? []).map((e: any) => String(e?.extensions?.code ?? 'NO_CODE'));
  let problem: string | undefined;
  if (status === -1) problem = text;
  else if (status >= 500 && status !== 503) problem = `HTTP ${status}`;
  else if (codes.includes('INTERNAL_SERVER_ERROR')) problem = 'INTERNAL_SERVER_ERROR';
  else if (codes.includes('NO_CODE')) problem = 'an error without extensions.code';
  else if (LEAK.test(text)) problem = `leak: ${LEAK.exec(text)![0]}`;
  else if (status !== 404 && status !== 405 && status !== 431 && !json) problem = 'not JSON';
  return { c, index, status, codes, ms, problem, ...(problem ? { text: text.slice(0, 400) } : {}) } as Outcome;
}

async function heapAfterGc(): Promise<number> {
  // Twice: a first collection can leave finalisable objects to the next.
  await fetch(`${stack.origin}/metrics/subscriptions?gc=1`);
  const res = await fetch(`${stack.origin}/metrics/subscriptions?gc=1`);
  return ((await res.json()) as { heapUsedBytes: number }).heapUsedBytes;
}

/** A subscriber as a console would be: it must keep receiving while the fuzzer runs. */
function canary(): Promise<{ received: () => number; close: () => void }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(stack.wsUrl, 'graphql-transport-ws');
    let received = 0;
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    ws.on('message', (data) => {
      const m = JSON.parse(String(data));
      if (m.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: 'c', type: 'subscribe', payload: { query: 'subscription { issueEvents { cursor kind issue { title } } }' } }));
        resolve({ received: () => received, close: () => ws.close() });
      } else if (m.type === 'next' && m.id === 'c') received++;
    });
    ws.on('error', reject);
  });
}

async function raiseIssue(title: string) {
  const res = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.ADMIN}` },
    body: JSON.stringify({
      query: 'mutation($i: RaiseIssueInput!){ raiseIssue(input: $i){ id } }',
      variables: { i: { communityId: ids.communities[0], title, description: '金丝雀', category: 'OTHER' } },
    }),
  });
  const body = (await res.json()) as { data?: { raiseIssue?: { id: string } }; errors?: unknown };
  if (!body.data?.raiseIssue) throw new Error(`raiseIssue failed: ${JSON.stringify(body)}`);
}

const until = async (check: () => boolean, ms = 15_000) => {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 50));
  return check();
};

const pct = (xs: number[], p: number) => {
  if (!xs.length) return 0;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
};

beforeAll(async () => {
  stack = await startProcessStack({ gatewayNodeArgs: ['--expose-gc', ...(process.env.FUZZ_PROF ? ['--cpu-prof', '--cpu-prof-dir=' + process.env.FUZZ_PROF] : [])], env: { LOG_LEVEL: 'error' } });
  const res = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: getIntrospectionQuery() }) });
  schema = buildClientSchema(((await res.json()) as { data: any }).data);
  const pg = new Client({ connectionString: stack.db.url });
  await pg.connect();
  const col = async (sql: string) => (await pg.query(sql)).rows.map((r) => String(Object.values(r)[0]));
  ids = {
    communities: await col('SELECT id FROM sessions.community ORDER BY id LIMIT 5'),
    sessions: await col('SELECT id FROM sessions.session ORDER BY id LIMIT 5'),
    issues: await col('SELECT id FROM issues.issue ORDER BY id LIMIT 10'),
    plans: await col('SELECT id FROM issues.plan ORDER BY id LIMIT 5'),
    teams: await col('SELECT id FROM volunteering.volunteer_team ORDER BY id LIMIT 5'),
  };
  await pg.end();
  for (const role of ['RESIDENT', 'STAFF', 'ANALYST', 'ADMIN'] as const) tokens[role] = await stack.token(`fuzz-${role.toLowerCase()}`, [role], ids.communities.slice(0, 2));
  tokens.forged = await signToken({ sub: 'forger', roles: ['ADMIN'] }, 'not-the-secret-0123456789abcdef0123');
}, 180_000);

afterAll(async () => {
  const byStatus: Record<string, number> = {};
  const byCode: Record<string, number> = {};
  for (const o of outcomes) {
    byStatus[o.status] = (byStatus[o.status] ?? 0) + 1;
    for (const c of o.codes.length ? o.codes : ['(data)']) byCode[c] = (byCode[c] ?? 0) + 1;
  }
  const bombs = outcomes.filter((o) => o.c.kind === 'bomb').map((o) => o.ms);
  const lines = [
    `hostile suite, seed ${SEED}: ${outcomes.length} HTTP cases, ${WS_SOCKETS * WS_MESSAGES_PER_SOCKET} WebSocket messages on ${WS_SOCKETS} sockets`,
    `  by status: ${Object.entries(byStatus)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}`,
    `  by code:   ${Object.entries(byCode)
      .sort((a, b) => b[1] - a[1])
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ')}`,
    `  bomb rejection under fuzz load (${bombs.length}): p50 ${pct(bombs, 50).toFixed(1)} ms, p99 ${pct(bombs, 99).toFixed(1)} ms, max ${pct(bombs, 100).toFixed(1)} ms`,
    `  slowest: ${[...outcomes]
      .sort((a, b) => b.ms - a.ms)
      .slice(0, Number(process.env.FUZZ_SLOWEST || 5))
      .map((o) => `#${o.index} ${o.c.label} ${o.ms.toFixed(0)} ms`)
      .join('; ')}`,
    ...Object.entries(figures).map(([k, v]) => `  ${k}: ${typeof v === 'number' ? v.toFixed(1) : String(v)}`),
  ];
  process.stdout.write(`\n${lines.join('\n')}\n\n`);
  await stack?.stop();
});

describe('a seeded fuzzer against the real system', () => {
  let watcher: Awaited<ReturnType<typeof canary>>;
  let heapBefore = 0;

  beforeAll(async () => {
    watcher = await canary();
    heapBefore = await heapAfterGc();
    figures['gateway heap before, MB'] = heapBefore / 2 ** 20;
  });

  /** Sends `cases` with CONCURRENCY workers; a real request is raised every 1,000 for the canary. */
  async function drive(cases: HttpCase[], first: number): Promise<{ raised: number; seconds: number }> {
    let next = 0;
    let raised = 0;
    const started = Date.now();
    const worker = async () => {
      while (next < cases.length) {
        const index = next++;
        const c = cases[index]!;
        const t0 = performance.now();
        const { status, text } = await send(c);
        outcomes.push(judge(c, first + index, status, text, performance.now() - t0));
        // Live traffic among the hostile: a real request raised now and then, for the canary.
        if (index % 1000 === 999) (await raiseIssue(`金丝雀 ${first + index}`), raised++);
      }
    };
    await Promise.all(Array.from({ length: CONCURRENCY }, worker));
    return { raised, seconds: (Date.now() - started) / 1000 };
  }

  it(`${CASES} HTTP cases: no 5xx but 503, no INTERNAL_SERVER_ERROR, no internals in any body`, async () => {
    const r = new Random(SEED);
    const cases = Array.from({ length: CASES }, (_, i) => httpCase(i, r, schema, ids));
    await fetch(`${stack.origin}/metrics/subscriptions?reset=1`);
    const { raised, seconds } = await drive(cases, 0);
    figures['HTTP cases per second'] = outcomes.length / seconds;
    const loop = ((await (await fetch(`${stack.origin}/metrics/subscriptions`)).json()) as { eventLoopDelayMs: Record<string, number> }).eventLoopDelayMs;
    figures['gateway event-loop delay during the HTTP fuzz, ms'] = `p50 ${loop.p50!.toFixed(1)}, p99 ${loop.p99!.toFixed(1)}, max ${loop.max!.toFixed(1)}`;
    figures['gateway heap after the HTTP fuzz, MB'] = (await heapAfterGc()) / 2 ** 20;
    // The canary kept receiving through the fuzz (one event per raise).
    expect(await until(() => watcher.received() >= raised)).toBe(true);
    const problems = outcomes.filter((o) => o.problem);
    if (problems.length) {
      const sample = problems
        .slice(0, 15)
        .map((o) => `#${o.index} [${o.c.kind}: ${o.c.label} as ${o.c.as}] ${o.problem} ${(o as any).text ?? ''}\n    sent: ${String(o.c.body ?? o.c.search ?? '').slice(0, 300)}`);
      // What the processes logged about them (errors are logged with the request id, never sent).
      const logged = stack.procs.flatMap((p) =>
        p.lines
          .filter((l) => /"level":(50|60)/.test(l))
          .slice(0, 8)
          .map((l) => `${p.label}: ${l.slice(0, 600)}`),
      );
      throw new Error(`${problems.length} of ${outcomes.length} cases misbehaved (seed ${SEED}):\n${sample.join('\n')}\n\nlogged:\n${logged.join('\n')}`);
    }
  });

  it('what clients leave behind is bounded: 2,000 more distinct cases grow the heap by less than 8 MB', async () => {
    const settled = await heapAfterGc();
    const r = new Random(SEED + 2);
    const more = Array.from({ length: 2000 }, (_, i) => httpCase(i, r, schema, ids));
    await drive(more, CASES);
    const grown = (await heapAfterGc()) - settled;
    figures['heap growth over 2,000 more cases, MB'] = grown / 2 ** 20;
    expect(outcomes.filter((o) => o.problem)).toEqual([]);
    expect(grown).toBeLessThan(8 * 2 ** 20);
  });

  it('bombs are refused in p99 < 50 ms under the fuzz load', () => {
    const bombs = outcomes.filter((o) => o.c.kind === 'bomb');
    expect(bombs.length).toBeGreaterThan(100);
    expect(bombs.filter((b) => b.status !== 400).map((b) => `${b.c.label}: ${b.status}`)).toEqual([]);
    // In steady state: the first 1,000 cases also pay for compiling every code path once.
    const steady = bombs.filter((b) => b.index >= 1000).map((b) => b.ms);
    figures['bomb rejection p99 after the first 1,000 cases, ms'] = pct(steady, 99);
    expect(pct(steady, 99)).toBeLessThan(50);
  });

  it('hostile WebSocket clients hurt nobody else', async () => {
    const r = new Random(SEED + 1);
    const before = watcher.received();
    const closeCodes: Record<number, number> = {};
    const sockets = Array.from(
      { length: WS_SOCKETS },
      (_, s) =>
        new Promise<void>((resolve) => {
          const ws = new WebSocket(stack.wsUrl, s % 10 === 9 ? 'not-a-protocol' : 'graphql-transport-ws');
          const messages = wsMessages(r, schema, ids, WS_MESSAGES_PER_SOCKET);
          ws.on('open', () => {
            if (s % 7 === 3) {
              ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${tokens.forged}` } }));
            } else if (s % 7 !== 5) {
              ws.send(JSON.stringify({ type: 'connection_init', payload: s % 2 ? { authorization: `Bearer ${tokens.RESIDENT}` } : {} }));
            }
            for (const m of messages) if (ws.readyState === WebSocket.OPEN) ws.send(m);
            // Some leave abruptly, some stop reading, some say goodbye.
            setTimeout(() => (s % 3 === 0 ? ws.terminate() : s % 3 === 1 ? (ws as any)._socket?.pause() : ws.close()), 500 + (s % 5) * 100);
            setTimeout(() => {
              ws.terminate();
              resolve();
            }, 2500);
          });
          ws.on('close', (code) => {
            closeCodes[code] = (closeCodes[code] ?? 0) + 1;
            resolve();
          });
          ws.on('error', () => resolve());
        }),
    );
    await raiseIssue('金丝雀 ws');
    await Promise.all(sockets);
    figures['WebSocket close codes'] = Object.entries(closeCodes)
      .map(([k, v]) => `${k}: ${v}`)
      .join(', ');
    // 1011 and 4500 are the server's own failures (ws' and graphql-ws' "internal error").
    const internal = (closeCodes[1011] ?? 0) + (closeCodes[4500] ?? 0);
    if (internal) {
      const logged = stack.procs
        .find((p) => p.label === 'gateway')!
        .lines.filter((l) => /"level":(50|60)/.test(l))
        .slice(-5);
      throw new Error(`${internal} sockets closed by a server error:\n${logged.map((l) => l.slice(0, 800)).join('\n')}`);
    }
    expect(await until(() => watcher.received() > before)).toBe(true);
  });

  it('afterwards: every process alive and ready, no fault logged, the heap back near its start', async () => {
    const before = watcher.received();
    await raiseIssue('金丝雀 after');
    expect(await until(() => watcher.received() > before)).toBe(true);
    watcher.close();
    for (const p of stack.procs) expect({ process: p.label, alive: p.alive, faults: p.faults().slice(0, 3) }).toEqual({ process: p.label, alive: true, faults: [] });
    const ready = await fetch(`${stack.origin}/ready`);
    expect(ready.status).toBe(200);
    await new Promise((r) => setTimeout(r, 1000));
    const heapAfter = await heapAfterGc();
    figures['gateway heap after, MB'] = heapAfter / 2 ** 20;
    // Caches are bounded by bytes (about 40 MB of budgets in all, README: Security model), and
    // nothing else that 12,000 requests and 60 sockets left may stay.
    expect(heapAfter - heapBefore).toBeLessThan(64 * 2 ** 20);
  });
});
