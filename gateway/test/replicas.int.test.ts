import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client as Pg } from 'pg';
import { signToken } from '@plaza/shared';
import { startRedisCluster, type RedisCluster } from '@plaza/shared/cluster';
import { createTestDatabase, TEST_GATEWAY_SECRET, TEST_JWT_SECRET, type TestDatabase } from '@plaza/shared/testing';
import { client, collect } from '../src/subscriptions/__tests__/stand-in';
import { freePort } from './process-stack';

/**
 * Issue 15, part 3: two replicas of each subgraph (separate processes, started at the same
 * moment) against one database and one Redis Cluster. Migrations run once; exactly one relay
 * per service publishes, and when its holder is killed with SIGKILL the standby publishes
 * within a bounded time; a plan vote's closing and an overdue ledger entry (both sweeps run on
 * both replicas) happen once.
 */

jest.setTimeout(180_000);

const ROOT = join(__dirname, '..', '..');
const RELAY = 'issues.issue_event->issueEvents';

interface Proc {
  label: string;
  port: number;
  child: ChildProcess;
  lines: string[];
}

function start(label: string, pkg: string, port: number, env: Record<string, string>): Proc {
  const entry = pkg === 'gateway' ? join(ROOT, 'gateway', 'dist', 'index.js') : join(ROOT, 'services', pkg, 'dist', 'index.js');
  const child = spawn(process.execPath, [entry], { cwd: ROOT, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  const keep = (b: Buffer) => lines.push(...String(b).split('\n').filter(Boolean));
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  return { label, port, child, lines };
}

async function ready(p: Proc, ms = 60_000) {
  const until = Date.now() + ms;
  for (;;) {
    if (p.child.exitCode !== null) throw new Error(`${p.label} exited:\n${p.lines.slice(-20).join('\n')}`);
    const ok = await fetch(`http://127.0.0.1:${p.port}/ready`).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) return;
    if (Date.now() > until) throw new Error(`${p.label} not ready:\n${p.lines.slice(-20).join('\n')}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('replicas of every subgraph on one database and one Redis Cluster', () => {
  let cluster: RedisCluster;
  let db: TestDatabase;
  const procs: Proc[] = [];
  let gatewayUrl = '';
  let staff = '';
  let communityId = '';

  beforeAll(async () => {
    [cluster, db] = await Promise.all([startRedisCluster(), createTestDatabase('replicas')]);
  });
  afterAll(async () => {
    for (const p of procs) if (p.child.exitCode === null) p.child.kill('SIGKILL');
    await cluster?.stop();
    await db?.drop();
  });

  const gql = async (query: string, variables: Record<string, unknown> = {}, token = staff) => {
    const res = await fetch(gatewayUrl, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as { data?: any; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data;
  };

  it('runs migrations once, one relay publishes, the standby takes over after kill -9, a vote closes once, an overdue entry is marked once', async () => {
    const base = {
      NODE_ENV: 'test',
      LOG_LEVEL: 'info',
      DATABASE_URL: db.url,
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: cluster.nodesEnv,
      PLAZA_CHANNEL_PREFIX: `plaza-replicas-${randomBytes(3).toString('hex')}`,
      GATEWAY_SECRET: TEST_GATEWAY_SECRET,
      JWT_SECRET: TEST_JWT_SECRET,
      VOTE_CLOSE_SWEEP_MS: '200',
      OVERDUE_SWEEP_MS: '1000',
    };
    // Both replicas of a service start at the same moment (their migrations race).
    const ports = await Promise.all(Array.from({ length: 7 }, () => freePort()));
    const sessions = [start('sessions-a', 'sessions', ports[0]!, base), start('sessions-b', 'sessions', ports[1]!, base)];
    procs.push(...sessions);
    await Promise.all(sessions.map((p) => ready(p)));
    const sessionsUrl = `http://127.0.0.1:${ports[0]}/graphql`;
    const issues = [0, 1].map((i) => start(`issues-${i}`, 'issues', ports[2 + i]!, { ...base, SESSIONS_URL: sessionsUrl }));
    procs.push(...issues);
    await Promise.all(issues.map((p) => ready(p)));
    const volunteering = start('volunteering', 'volunteering', ports[4]!, { ...base, SESSIONS_URL: sessionsUrl, ISSUES_URL: `http://127.0.0.1:${ports[2]}/graphql` });
    procs.push(volunteering);
    await ready(volunteering);

    const pg = new Pg({ connectionString: db.url });
    await pg.connect();
    try {
      for (const schema of ['sessions', 'issues']) {
        const { rows } = await pg.query(`SELECT count(*)::int AS n, count(DISTINCT name)::int AS d FROM "${schema}".migrations`);
        expect(rows[0].n).toBeGreaterThan(0);
        expect(rows[0].n).toBe(rows[0].d);
      }

      // Exactly one issues replica holds the relay.
      const leaderOf = () => issues.filter((p) => p.child.exitCode === null && p.lines.some((l) => l.includes('relay active') && l.includes(RELAY)));
      for (let i = 0; i < 100 && leaderOf().length === 0; i++) await new Promise((r) => setTimeout(r, 100));
      expect(leaderOf()).toHaveLength(1);
      const leader = leaderOf()[0]!;
      const standby = issues.find((p) => p !== leader)!;

      const gateway = start('gateway', 'gateway', ports[5]!, {
        ...base,
        SESSIONS_URL: sessionsUrl,
        ISSUES_URL: `http://127.0.0.1:${standby.port}/graphql`,
        VOLUNTEERING_URL: `http://127.0.0.1:${ports[4]}/graphql`,
      });
      procs.push(gateway);
      await ready(gateway);
      gatewayUrl = `http://127.0.0.1:${gateway.port}/graphql`;
      const admin = await signToken({ sub: 'admin', roles: ['ADMIN'] }, TEST_JWT_SECRET);
      communityId = (await gql('mutation { createCommunity(input: { name: "方井社区", subdistrict: "阜安街道" }) { id } }', {}, admin)).createCommunity.id;
      staff = await signToken({ sub: 'staff', roles: ['STAFF'], communities: [communityId] }, TEST_JWT_SECRET);

      const c = client(gatewayUrl.replace('http', 'ws'), staff);
      const events = collect(c, 'subscription($c: ID) { issueEvents(communityId: $c) { cursor kind } }', { c: communityId });
      await new Promise((r) => setTimeout(r, 500));
      const raise = async (title: string) =>
        (await gql('mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }', { i: { communityId, title, description: '说明', category: 'PUBLIC_FACILITIES' } })).raiseIssue.id as string;
      const issueId = await raise('一号');
      await events.until(1, 5000);

      // A vote closing at closesAt, swept by both replicas: closed once.
      const planId = (await gql('mutation($i: ID!) { proposePlan(issueId: $i, summary: "更换路灯") { id } }', { i: issueId })).proposePlan.id;
      await gql('mutation($p: ID!, $at: DateTime) { openPlanVote(planId: $p, closesAt: $at) { id } }', { p: planId, at: new Date(Date.now() + 1500).toISOString() });
      await new Promise((r) => setTimeout(r, 3000));
      const closed = await pg.query(`SELECT count(*)::int AS n FROM issues.issue_event WHERE kind = 'PLAN_VOTE_CLOSED' AND plan_id = $1`, [planId]);
      expect(closed.rows[0].n).toBe(1);

      // An overdue ledger entry, swept every second by both replicas: marked once, one OVERDUE event.
      await gql('mutation($id: ID!) { claimIssue(id: $id, department: "社区居委会") { id } }', { id: issueId });
      const tomorrow = new Date(Date.now() + 2 * 86_400_000).toISOString().slice(0, 10);
      await gql('mutation($id: ID!, $d: Date!) { addLedgerEntry(issueId: $id, input: { measure: "整改", responsiblePerson: "张三", responsibleUnit: "物业", deadline: $d }) { id } }', {
        id: issueId,
        d: tomorrow,
      });
      await pg.query(`UPDATE issues.ledger_entry SET deadline = current_date - 3 WHERE issue_id = $1`, [issueId]);
      await new Promise((r) => setTimeout(r, 3000));
      const overdue = await pg.query(`SELECT count(*)::int AS n FROM issues.issue_event WHERE kind = 'OVERDUE' AND issue_id = $1`, [issueId]);
      expect(overdue.rows[0].n).toBe(1);

      // kill -9 the relay's holder: the standby publishes within a bounded time.
      const before = events.results.length;
      leader.child.kill('SIGKILL');
      const t0 = Date.now();
      await raise('二号');
      await events.until(before + 1, 10_000);
      const takeoverMs = Date.now() - t0;
      expect(standby.lines.some((l) => l.includes('relay active') && l.includes(RELAY))).toBe(true);
      expect(takeoverMs).toBeLessThan(5000);
      console.log(`relay takeover after kill -9 of its holder: first event delivered ${takeoverMs} ms after the raise`);

      // Every event once, in order.
      const seqs = events.results.map((r) => r.data.issueEvents.cursor);
      expect(new Set(seqs).size).toBe(seqs.length);
      await c.dispose();
    } finally {
      await pg.end();
    }
  });
});
