import { randomBytes } from 'node:crypto';
import { DEFAULT_REDIS_URL, eventCursor, eventSeq } from '@plaza/shared';
import { ok } from '@plaza/shared/testing';
import { OVERFLOW_CODE } from '../src/subscriptions';
import { client, collect, settle, sockets, tcpProxy, until, type Collected } from '../src/subscriptions/__tests__/stand-in';
import { parseMetrics, sampleValue } from './metrics-text';
import { startStack, type Stack } from './stack';

/**
 * Issue 4 end to end: real subgraphs publishing their committed events through their relays,
 * the real gateway hydrating through the supergraph, real Postgres, real Redis (behind a TCP
 * proxy this test can take down) — and the same suite over the in-process bus.
 */

const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;
jest.setTimeout(60_000);

const ALL_SUBGRAPHS = `subscription($communityId: ID, $after: String) {
  issueEvents(communityId: $communityId, after: $after) {
    cursor kind
    issue { title community { name } session { title } assistingTeams { name } }
  }
}`;

type Proxy = Awaited<ReturnType<typeof tcpProxy>>;

describe.each(['redis', 'memory'] as const)('live updates through the real stack over the %s bus', (bus) => {
  let stack: Stack;
  let proxy: Proxy | null = null;
  let admin: string;
  let staff: string;
  let communityId: string;
  let sessionId: string;
  let teamId: string;
  const clients: ReturnType<typeof client>[] = [];
  const connect = (url = stack.wsUrl, token?: string) => {
    const c = client(url, token);
    clients.push(c);
    return c;
  };
  const counters = () => stack.gateway.subscriptions!.counters;

  beforeAll(async () => {
    const redis = new URL(REDIS_URL);
    if (bus === 'redis') proxy = await tcpProxy({ host: redis.hostname, port: Number(redis.port || 6379) });
    stack = await startStack({
      bus,
      redisUrl: proxy?.url(),
      env: { PLAZA_CHANNEL_PREFIX: `plaza-e2e-${randomBytes(4).toString('hex')}` },
      subscriptions: { bufferLimit: 50 },
    });
    admin = await stack.as(['ADMIN']);
    communityId = ok<any>(await stack.request('mutation { createCommunity(input: { name: "方井社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
    staff = await stack.as(['STAFF'], [communityId]);
    sessionId = ok<any>(
      await stack.request(
        'mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id } }',
        { i: { communityId, title: '电动车充电议事会', venue: '广场', host: '王书记', scheduledAt: new Date(Date.now() + 86_400_000).toISOString() } },
        staff,
      ),
    ).scheduleSession.id;
    teamId = ok<any>(await stack.request('mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }', { i: { communityId, name: '青年先锋队', kind: 'YOUTH_VANGUARD', leader: '李青' } }, staff))
      .createTeam.id;
  });

  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    sockets.length = 0;
  });

  afterAll(async () => {
    await stack?.stop();
    await proxy?.down();
  });

  const raise = async (title = '路灯不亮', community = communityId, withSession = true, token = staff) =>
    ok<any>(
      await stack.request(
        'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
        { i: { communityId: community, ...(withSession ? { sessionId } : {}), title, description: '晚上很黑', category: 'PUBLIC_FACILITIES' } },
        token,
      ),
    ).raiseIssue.id as string;

  const subscribed = (n: number) => until(() => counters().subscribers >= n, 5000);

  it('a raise, a claim and a support vote each reach a subscriber within 1 s, with fields from all three subgraphs', async () => {
    const s = collect(connect(), ALL_SUBGRAPHS, { communityId });
    await subscribed(1);
    let t0 = Date.now();
    const id = await raise('充电桩不够');
    await s.until(1, 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    ok(await stack.request('mutation($t: ID!, $i: ID!) { assignTeamToIssue(teamId: $t, issueId: $i) { id } }', { t: teamId, i: id }, staff));
    t0 = Date.now();
    ok(await stack.request('mutation($id: ID!) { claimIssue(id: $id, department: "街道城建科") { id } }', { id }, staff));
    await s.until(2, 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    t0 = Date.now();
    ok(await stack.request('mutation($id: ID!) { supportIssue(issueId: $id) { id } }', { id }, await stack.as(['RESIDENT'])));
    await s.until(3, 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    const events = s.results.map((r) => r.data.issueEvents);
    expect(events.map((e) => e.kind)).toEqual(['RAISED', 'CLAIMED', 'SUPPORT_CHANGED']);
    // issues (title), sessions (community, session) and volunteering (assistingTeams) in one payload.
    expect(events[0].issue).toEqual({ title: '充电桩不够', community: { name: '方井社区' }, session: { title: '电动车充电议事会' }, assistingTeams: [] });
    expect(events[1].issue.assistingTeams).toEqual([{ name: '青年先锋队' }]);
    // The cursor is the shared event cursor, and issueEventLog resumes from it.
    expect(eventCursor(eventSeq(events[2].cursor)!)).toBe(events[2].cursor);
    const log = ok<any>(await stack.request('query($a: String) { issueEventLog(after: $a, first: 5) { edges { node { kind } } } }', { a: events[1].cursor }));
    expect(log.issueEventLog.edges.map((e: any) => e.node.kind)).toEqual(['SUPPORT_CHANGED']);
  });

  it('sessionEvents carry session fields resolved through the supergraph', async () => {
    const s = collect(connect(), 'subscription($c: ID) { sessionEvents(communityId: $c) { cursor kind session { title venue } } }', { c: communityId });
    await subscribed(1);
    ok(await stack.request('mutation($id: ID!) { startSession(id: $id) { id } }', { id: sessionId }, staff));
    await s.until(1, 5000); // liveness, not latency: a loaded CI machine took over 1 s
    expect(s.results[0]!.data.sessionEvents).toMatchObject({ kind: 'STARTED', session: { title: '电动车充电议事会', venue: '广场' } });
  });

  it('100 identical subscribers share one hydration per event', async () => {
    const subs: Collected[] = [];
    for (let i = 0; i < 100; i++) subs.push(collect(connect(), ALL_SUBGRAPHS, { communityId }));
    await subscribed(100);
    expect(counters().groups).toBe(1);
    const before = counters();
    for (let i = 0; i < 3; i++) await raise(`共享水合 ${i}`);
    await Promise.all(subs.map((s) => s.until(3, 5000)));
    const after = counters();
    expect(after.hydrations - before.hydrations).toBe(3);
    expect(after.deliveries - before.deliveries).toBe(300);
    expect(new Set(subs.map((s) => JSON.stringify(s.results)))).toHaveProperty('size', 1);
  });

  it('disconnect, 500 events while away, reconnect with after: exactly those 500 in order, then live', async () => {
    // A community of its own, so only this test's events match.
    const mine = ok<any>(await stack.request('mutation { createCommunity(input: { name: "续传社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
    const q = 'subscription($c: ID, $after: String) { issueEvents(communityId: $c, after: $after) { cursor kind supportCount } }';
    const first = collect(connect(), q, { c: mine });
    await subscribed(1);
    const id = await raise('续传', mine, false, await stack.as(['STAFF'], [mine]));
    await first.until(1, 2000);
    const resumeFrom = first.results[0]!.data.issueEvents.cursor;
    first.dispose();
    await until(() => counters().subscribers === 0, 3000);
    const residents = await Promise.all(Array.from({ length: 500 }, () => stack.as(['RESIDENT'])));
    for (let i = 0; i < 500; i += 10) {
      await Promise.all(residents.slice(i, i + 10).map((t) => stack.request('mutation($id: ID!) { supportIssue(issueId: $id) { id } }', { id }, t).then(ok)));
    }
    const again = collect(connect(), q, { c: mine, after: resumeFrom });
    await again.until(500, 20_000);
    const got = again.results.map((r) => r.data.issueEvents);
    expect(got).toHaveLength(500);
    expect(got.every((e) => e.kind === 'SUPPORT_CHANGED')).toBe(true);
    const seqs = got.map((e) => eventSeq(e.cursor)!);
    expect(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!)).toBe(true);
    expect(got.map((e) => e.supportCount)).toEqual(Array.from({ length: 500 }, (_, i) => i + 1));
    // Then live, with nothing twice at the seam.
    ok(await stack.request('mutation($id: ID!) { withdrawSupport(issueId: $id) { id } }', { id }, residents[0]));
    await again.until(501, 2000);
    await settle(200);
    expect(again.results).toHaveLength(501);
    expect(again.results[500]!.data.issueEvents).toMatchObject({ kind: 'SUPPORT_CHANGED', supportCount: 499 });
  });

  it('two gateways, subscribers on both: each gets every event exactly once', async () => {
    const second = await stack.startGateway();
    try {
      const a = collect(connect(), ALL_SUBGRAPHS, { communityId });
      const b = collect(connect(second.wsUrl), ALL_SUBGRAPHS, { communityId });
      await subscribed(1);
      await until(() => second.app.subscriptions!.counters.subscribers === 1, 5000);
      for (let i = 0; i < 5; i++) await raise(`两个网关 ${i}`);
      await Promise.all([a.until(5, 3000), b.until(5, 3000)]);
      await settle(300);
      for (const s of [a, b]) {
        expect(s.results.map((r) => r.data.issueEvents.issue.title)).toEqual([0, 1, 2, 3, 4].map((i) => `两个网关 ${i}`));
      }
    } finally {
      await Promise.all(clients.splice(0).map((c) => c.dispose()));
      await second.close();
    }
  });

  it('a subscriber that never reads is cut off with SUBSCRIPTION_OVERFLOW, counted on /metrics; the others are unaffected', async () => {
    const overflows = async () => sampleValue(parseMetrics(await (await fetch(`${stack.origin}/metrics`)).text()), 'plaza_subscription_overflows_total', { service: 'gateway' });
    const before = await overflows();
    expect(before).toEqual(expect.any(Number));
    // ~300 KB per event (20 aliases of a 5,000-character description), so socket buffers fill fast.
    const wide = `subscription($c: ID) { issueEvents(communityId: $c) { cursor issue { ${Array.from({ length: 20 }, (_, i) => `d${i}: description`).join(' ')} } } }`;
    const slow = collect(connect(), wide, { c: communityId });
    const fast = collect(connect(), wide, { c: communityId });
    await subscribed(2);
    const slowSocket = sockets[0]! as unknown as { _socket: { pause(): void; resume(): void } };
    slowSocket._socket.pause();
    const id = await raise('很慢的订阅者');
    expect(id).toBeTruthy();
    // More requests with 5,000-character descriptions, until the paused reader is cut off.
    const body = '很长的描述'.repeat(1000);
    let n = 0;
    while (counters().subscribers > 1 && n < 400) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          stack.request('mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }', { i: { communityId, title: '大事件', description: body, category: 'PUBLIC_FACILITIES' } }, staff).then(ok),
        ),
      );
      n += 10;
      await fast.until(n, 10_000);
    }
    expect(counters().subscribers).toBe(1);
    slowSocket._socket.resume();
    await slow.untilDone(10_000);
    const end = slow.results[slow.results.length - 1]!;
    expect(end.errors?.[0]?.extensions?.code).toBe(OVERFLOW_CODE);
    expect(slow.results.length).toBeLessThan(n);
    expect(fast.error).toBeUndefined();
    expect(fast.completed).toBe(false);
    expect(await overflows()).toBe(before! + 1);
  });

  if (bus === 'redis') {
    it('Redis stopped and restarted while mutations continue: every event arrives after recovery', async () => {
      const s = collect(connect(), ALL_SUBGRAPHS, { communityId });
      await subscribed(1);
      await raise('断线之前');
      await s.until(1, 2000);
      await proxy!.down();
      const titles = ['断线 0', '断线 1', '断线 2', '断线 3', '断线 4'];
      for (const t of titles) await raise(t); // mutations still succeed
      await settle(1500);
      await proxy!.up();
      await s.until(6, 20_000);
      await settle(300);
      expect(s.results.map((r) => r.data.issueEvents.issue.title)).toEqual(['断线之前', ...titles]);
    });
  }
});
