import { chmodSync, mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { Client as Pg } from 'pg';
import { Cluster } from 'ioredis';
import { eventSeq, signToken } from '@plaza/shared';
import { startTopology, type Topology } from '@plaza/shared/cluster';
import { TEST_GATEWAY_SECRET, TEST_JWT_SECRET } from '@plaza/shared/testing';

/**
 * Issue 15: the failover suite on the scale-out topology (npm run start:cluster's): a 6-node
 * Redis Cluster, a PostgreSQL primary + streaming replica, 2 replicas of each subgraph, 2
 * gateways, HAProxy in front. 200 graphql-ws subscribers through HAProxy (1,000 would not fit 2
 * shared cores beside 13 other processes), reconnecting and resuming with `after` the way the
 * screen client (gateway/src/screen/client/live.ts) does; issues raised and votes cast through
 * HAProxy all along; meanwhile one gateway is drained (SIGTERM), one issues replica is killed
 * with SIGKILL, one Redis master is killed with SIGKILL — each restarted. Then every subscriber
 * must hold every event exactly once, in order; every answered raise is there; votes are exact.
 */

const SUBSCRIBERS = Number(process.env.FAILOVER_SUBSCRIBERS || 200);
const ROOT = join(__dirname, '..', '..');
const JWT = TEST_JWT_SECRET;
jest.setTimeout(280_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const PREFIX = `plaza-fo-${randomBytes(3).toString('hex')}`;
const RELAY = 'issues.issue_event->issueEvents';

interface Subscriber {
  seqs: number[];
  at: number[];
  /** ms from a socket's close to the next subscription being acknowledged. */
  resubscribeMs: number[];
  client: Client | null;
  stop(): void;
}

/** A node twin of live.ts: its own reconnect with back-off, resuming with the last cursor. */
function subscriber(wsUrl: string, token: string, communityId: string): Subscriber {
  const s: Subscriber = { seqs: [], at: [], resubscribeMs: [], client: null, stop: () => undefined };
  let cursor: string | null = null;
  let stopped = false;
  let attempt = 0;
  let closedAt: number | null = null;
  const connect = () => {
    if (stopped) return;
    const c = createClient({ url: wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0, connectionParams: { authorization: `Bearer ${token}` } });
    s.client = c;
    let dropped = false;
    const drop = () => {
      if (dropped || stopped) return;
      dropped = true;
      closedAt ??= Date.now();
      void Promise.resolve(c.dispose()).catch(() => undefined);
      const delay = Math.min(2000, 100 * 2 ** attempt++) * (0.75 + Math.random() * 0.5);
      setTimeout(connect, delay);
    };
    c.on('connected', () => {
      attempt = 0;
      if (closedAt != null) s.resubscribeMs.push(Date.now() - closedAt);
      closedAt = null;
    });
    c.on('closed', drop);
    c.on('error', drop);
    c.subscribe(
      { query: 'subscription($c: ID, $after: String) { issueEvents(communityId: $c, after: $after) { cursor kind } }', variables: { c: communityId, after: cursor } },
      {
        next: (r) => {
          const e = (r.data as { issueEvents?: { cursor: string } } | undefined)?.issueEvents;
          if (!e) return;
          cursor = e.cursor;
          s.seqs.push(eventSeq(e.cursor)!);
          s.at.push(Date.now());
        },
        error: drop,
        complete: drop,
      },
    );
  };
  s.stop = () => {
    stopped = true;
    void Promise.resolve(s.client?.dispose()).catch(() => undefined);
  };
  connect();
  return s;
}

describe('failover on the scale-out topology', () => {
  let topo: Topology;
  let dir: string;
  const lines: string[] = [];
  const subs: Subscriber[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'plaza-failover-'));
    chmodSync(dir, 0o755);
    topo = await startTopology({
      root: ROOT,
      dataDir: join(dir, 'data'),
      supervise: false,
      // info: the relays say which replica holds the lead ('relay active').
      env: { LOG_LEVEL: 'info', SHUTDOWN_GRACE_MS: '1500', PLAZA_CHANNEL_PREFIX: PREFIX, JWT_SECRET: TEST_JWT_SECRET, GATEWAY_SECRET: TEST_GATEWAY_SECRET },
      onLine: (name, line) => {
        lines.push(`${name} ${line}`);
        if (lines.length > 3000) lines.shift();
      },
    });
  }, 180_000);

  afterAll(async () => {
    for (const s of subs) s.stop();
    // Everything the topology started is gone after stop() (as after Ctrl+C of start:cluster).
    const pids = topo
      ? [...topo.gateways, ...topo.subgraphs]
          .map((p) => p.child?.pid)
          .concat(topo.haproxy.pid, ...topo.redis.nodes.map((n) => n.process?.pid), topo.pg.primary.process?.pid, topo.pg.replica.process?.pid)
      : [];
    await topo?.stop();
    const alive = pids.filter((pid): pid is number => {
      if (!pid) return false;
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    });
    expect(alive).toEqual([]);
    if (process.env.FAILOVER_KEEP_LOG) {
      mkdirSync(join(ROOT, 'artifacts'), { recursive: true });
      writeFileSync(join(ROOT, 'artifacts', 'failover.log'), lines.join('\n'));
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('keeps every subscriber whole through a drain, a subgraph kill -9 and a Redis master kill -9', async () => {
    const url = `${topo.origin}/graphql`;
    const gql = async (query: string, variables: Record<string, unknown>, token: string) => {
      const res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
        body: JSON.stringify({ query, variables }),
        signal: AbortSignal.timeout(10_000),
      });
      const body = (await res.json()) as { data?: any; errors?: { message: string }[] };
      if (res.status !== 200 || body.errors) throw new Error(`${res.status} ${JSON.stringify(body.errors)}`);
      return body.data;
    };
    const admin = await signToken({ sub: 'admin', roles: ['ADMIN'] }, JWT);
    const communityId = (await gql('mutation { createCommunity(input: { name: "方井社区", subdistrict: "阜安街道" }) { id } }', {}, admin)).createCommunity.id as string;
    const staff = await signToken({ sub: 'staff', roles: ['STAFF'], communities: [communityId] }, JWT);
    const raise = async (title: string) =>
      (await gql('mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }', { i: { communityId, title, description: '说明', category: 'PUBLIC_FACILITIES' } }, staff)).raiseIssue.id as string;
    const first = await raise('议题 0');
    const planId = (await gql('mutation($i: ID!) { proposePlan(issueId: $i, summary: "更换路灯") { id } }', { i: first }, staff)).proposePlan.id as string;

    // 200 subscribers through HAProxy (leastconn spreads them over both gateways).
    const wsUrl = topo.origin.replace('http', 'ws') + '/graphql';
    for (let i = 0; i < SUBSCRIBERS; i++) {
      subs.push(subscriber(wsUrl, staff, communityId));
      if (i % 20 === 19) await sleep(100);
    }
    const counts = async () =>
      Promise.all(
        topo.gateways.map((g) =>
          fetch(`http://127.0.0.1:${g.port}/metrics/subscriptions`).then(
            (r) => r.json() as Promise<{ subscribers: number }>,
            () => ({ subscribers: 0 }),
          ),
        ),
      );
    for (let i = 0; i < 100 && (await counts()).reduce((n, c) => n + c.subscribers, 0) < SUBSCRIBERS; i++) await sleep(200);
    const spread = (await counts()).map((c) => c.subscribers);
    expect(spread.reduce((a, b) => a + b, 0)).toBe(SUBSCRIBERS);
    expect(Math.min(...spread)).toBeGreaterThan(0);

    // Subscribers went live after these: what they must hold is everything after.
    const baseline = await (async () => {
      const pg = new Pg({ connectionString: topo.pg.primary.url });
      await pg.connect();
      try {
        return Number((await pg.query('SELECT coalesce(max(seq), 0) AS s FROM issues.issue_event')).rows[0].s);
      } finally {
        await pg.end();
      }
    })();

    // Raises and votes through HAProxy, all along.
    const answered = new Set<string>();
    const votes = { ok: 0, failed: 0, retried: 0 };
    const raises = { ok: 0, failed: 0 };
    let running = true;
    let n = 0;
    const load = (async () => {
      while (running) {
        const i = ++n;
        // A vote whose answer was lost (a subgraph killed between its commit and its answer) may
        // have landed: the resident's app sends it again, as votePlan is one vote per voter (an
        // upsert), so the tally must still equal the voters answered.
        const vote = signToken({ sub: `resident-${i}`, roles: ['RESIDENT'] }, JWT).then(async (t) => {
          for (let attempt = 1; ; attempt++) {
            try {
              return await gql('mutation($p: ID!) { votePlan(planId: $p, stance: FOR) { id } }', { p: planId }, t);
            } catch (e) {
              if (attempt === 3) throw e;
              votes.retried++;
              await sleep(300);
            }
          }
        });
        const r = raise(`议题 ${i}`);
        await Promise.all([
          r.then(
            (id) => (answered.add(id), raises.ok++),
            () => raises.failed++,
          ),
          vote.then(
            () => votes.ok++,
            () => votes.failed++,
          ),
        ]);
        await sleep(100);
      }
    })();

    // The replica's lag as analysts would see it, sampled while the load runs.
    const lagSamples: number[] = [];
    const sampler = (async () => {
      while (running) {
        await topo.pg.lag().then(
          (l) => lagSamples.push(l.lagMs),
          () => undefined,
        );
        await sleep(500);
      }
    })();

    const faults: { name: string; at: number; recoveredAt?: number }[] = [];
    const fault = async (name: string, act: () => Promise<void>, restart: () => Promise<void>) => {
      const f = { name, at: Date.now() } as (typeof faults)[number];
      faults.push(f);
      await act();
      await sleep(3000);
      await restart();
      f.recoveredAt = Date.now();
      await sleep(3000);
    };
    await sleep(3000);
    const [gw1] = topo.gateways;
    await fault(
      'SIGTERM gateway-1 (drain)',
      () => gw1!.kill('SIGTERM'),
      () => gw1!.restart(),
    );
    // The issues replica holding the relay's lead, so the standby must take over publishing.
    const leaderName = lines
      .filter((l) => l.startsWith('issues-') && l.includes('relay active') && l.includes(RELAY))
      .at(-1)
      ?.split(' ')[0];
    const leader = topo.subgraphs.find((p) => p.name === leaderName)!;
    expect(leader).toBeDefined();
    await fault(
      `kill -9 ${leader.name} (relay leader)`,
      () => leader.kill('SIGKILL'),
      () => leader.restart(),
    );
    expect(lines.some((l) => l.startsWith('issues-') && !l.startsWith(leader.name) && l.includes('relay active') && l.includes(RELAY))).toBe(true);
    // The master whose shard carries the issueEvents channel (sharded pub/sub).
    const raw = new Cluster(topo.redis.nodesEnv.split(',').map((h) => ({ host: '127.0.0.1', port: Number(h.split(':')[1]) })));
    await new Promise((r) => raw.once('ready', r));
    const slot = (require('cluster-key-slot') as (k: string) => number)(`${PREFIX}:issueEvents`);
    const victim = Number(raw.slots[slot]![0]!.split(':').pop());
    raw.disconnect();
    await fault(
      'kill -9 the Redis Cluster master of the issueEvents shard',
      () => topo.redis.kill(victim, 'SIGKILL'),
      async () => {
        await topo.redis.restart(victim);
        await topo.redis.waitHealthy(30_000);
      },
    );
    running = false;
    await load;
    await sampler;

    // Every subscriber converges on the log of the community: every event once, in order.
    const pg = new Pg({ connectionString: topo.pg.primary.url });
    await pg.connect();
    let log: number[] = [];
    try {
      log = (await pg.query('SELECT seq FROM issues.issue_event WHERE community_id = $1 AND seq > $2 ORDER BY seq', [communityId, baseline])).rows.map((r) => Number(r.seq));
      const ids = (await pg.query('SELECT id FROM issues.issue WHERE id = ANY($1)', [[...answered]])).rows.map((r) => r.id);
      expect(ids.length).toBe(answered.size); // no answered raise lost
      const tally = (await gql('query($i: ID!) { issue(id: $i) { plans { id votesFor } } }', { i: first }, staff)).issue.plans.find((p: { id: string }) => p.id === planId);
      expect(tally.votesFor).toBe(votes.ok);
    } finally {
      await pg.end();
    }
    const until = Date.now() + 30_000;
    while (Date.now() < until && subs.some((s) => s.seqs.length < log.length)) await sleep(250);
    const lostBy = subs.map((s) => log.filter((q) => !s.seqs.includes(q)));
    const lost = lostBy.reduce((t, l) => t + l.length, 0);
    if (lost)
      console.log(
        `lost: ${JSON.stringify(
          lostBy
            .map((l, i) => [i, l])
            .filter(([, l]) => (l as number[]).length)
            .slice(0, 10),
        )}`,
      );
    const extra = subs.reduce((t, s) => t + s.seqs.filter((q) => q > baseline && !log.includes(q)).length, 0);
    const duplicates = subs.reduce((t, s) => t + s.seqs.length - new Set(s.seqs).size, 0);
    const outOfOrder = subs.filter((s) => s.seqs.some((q, i) => i > 0 && q <= s.seqs[i - 1]!)).length;

    // Figures: longest gap between deliveries to one subscriber within each fault, resubscribe times.
    const gaps = faults.map((f) => {
      const to = (f.recoveredAt ?? f.at) + 3000;
      let worst = 0;
      for (const s of subs) {
        const times = [f.at, ...s.at.filter((t) => t > f.at && t < to)];
        for (let i = 1; i < times.length; i++) worst = Math.max(worst, times[i]! - times[i - 1]!);
      }
      return { fault: f.name, longestGapMs: worst };
    });
    const resub = subs.flatMap((s) => s.resubscribeMs).sort((a, b) => a - b);
    const pct = (p: number) => resub[Math.min(resub.length - 1, Math.floor((resub.length * p) / 100))] ?? 0;
    const lag = await topo.pg.lag();
    const replicaLag = await Promise.all(
      topo.subgraphs.filter((p) => p.child).map((p) => fetch(`http://127.0.0.1:${p.port}/metrics/replica`).then((r) => r.json() as Promise<{ replica: boolean; lagMs: number }>)),
    );
    const overview = (await gql('query($s: ID) { overview(scope: $s) { issuesRaised } }', { s: communityId }, await signToken({ sub: 'analyst', roles: ['ANALYST'] }, JWT))).overview;
    const figures = {
      subscribers: SUBSCRIBERS,
      spreadOverGateways: spread,
      events: log.length,
      raises,
      votes,
      lost,
      extra,
      duplicates,
      outOfOrder,
      gaps,
      resubscribes: resub.length,
      resubscribeMs: { p50: pct(50), p95: pct(95), max: resub.at(-1) ?? 0 },
      replica: {
        ...lag,
        lagUnderLoadMs: { samples: lagSamples.length, max: Math.max(0, ...lagSamples), nonZero: lagSamples.filter((l) => l > 0).length },
        subgraphsOnReplica: replicaLag.every((r) => r.replica),
        overviewIssuesRaised: overview.issuesRaised,
      },
    };
    console.log(`failover figures: ${JSON.stringify(figures, null, 2)}`);

    expect(lost).toBe(0);
    expect(duplicates).toBe(0);
    expect(outOfOrder).toBe(0);
    expect(raises.ok).toBeGreaterThan(50);
    expect(replicaLag.every((r) => r.replica)).toBe(true);
    expect(overview.issuesRaised).toBeGreaterThan(0);
  });
});
