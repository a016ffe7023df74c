import { randomBytes, randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import { DEFAULT_REDIS_URL, MAX_BODY_BYTES, MemoryPubSub, RedisPubSub, signToken, verifyToken, type PubSub } from '@plaza/shared';
import { TEST_JWT_SECRET } from '@plaza/shared/testing';
import { attachSubscriptions, OVERFLOW_CODE, type AttachSubscriptionsOptions, type SubscriptionServer } from '..';
import { WebSocket } from 'ws';
import { createClient } from 'graphql-ws';
import { client, collect, listen, schema, settle, sockets, tcpProxy, until, World } from './stand-in';

const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;

const ISSUE_EVENTS = `subscription($communityId: ID, $kinds: [IssueEventKind!], $after: String) {
  issueEvents(communityId: $communityId, kinds: $kinds, after: $after) {
    cursor kind at issue { title session { title } assistingTeams { name } }
  }
}`;

type Bus = () => PubSub;
const buses: [string, Bus][] = [
  ['memory', () => new MemoryPubSub()],
  ['redis', () => new RedisPubSub({ url: REDIS_URL, prefix: `plaza-test-${randomBytes(4).toString('hex')}` })],
];

describe.each(buses)('subscriptions over the %s bus', (_name, makeBus) => {
  let pubsub: PubSub;
  let world: World;
  let http: Server;
  let url: string;
  let subs: SubscriptionServer;
  const clients: ReturnType<typeof client>[] = [];
  const connect = (token?: string) => {
    const c = client(url, token);
    clients.push(c);
    return c;
  };
  const start = async (over: Partial<AttachSubscriptionsOptions> = {}) => {
    ({ server: http, url } = await listen());
    subs = attachSubscriptions({
      httpServer: http,
      schema,
      pubsub,
      execute: world.execute,
      replay: world.replay,
      verifyToken: (t) => verifyToken(t, TEST_JWT_SECRET),
      bufferLimit: 1000,
      ...over,
    });
  };

  beforeEach(async () => {
    pubsub = makeBus();
    world = new World(pubsub);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    await subs?.close();
    await new Promise((r) => http.close(r));
    await pubsub.close();
    sockets.length = 0;
  });

  it('delivers an event within 1 s, hydrated through the supergraph for the selection', async () => {
    await start();
    const session = world.addSession('充电棚');
    const issue = world.addIssue({ sessionId: session.id, title: '电动车没处充电' });
    const s = collect(connect(), ISSUE_EVENTS);
    await until(() => subs.counters.subscribers === 1);
    const t0 = Date.now();
    const e = await world.issueEvent(issue);
    await s.until(1, 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(s.results[0]).toEqual({
      data: { issueEvents: { cursor: e.cursor, kind: 'RAISED', at: e.at.toISOString(), issue: { title: '电动车没处充电', session: { title: '充电棚' }, assistingTeams: [{ name: '青年先锋队' }] } } },
    });
  });

  it('keeps aliases, fragments and variables of the selection in the hydration', async () => {
    await start();
    const session = world.addSession('议事');
    const issue = world.addIssue({ sessionId: session.id });
    const s = collect(
      connect(),
      `subscription($withSession: Boolean!) { ev: issueEvents { c: cursor ...F issue { ...I } } }
       fragment F on IssueEvent { kind actor __typename }
       fragment I on Issue { t: title session @include(if: $withSession) { title } }`,
      { withSession: true },
    );
    await until(() => subs.counters.subscribers === 1);
    const e = await world.issueEvent(issue, { actor: '王书记' });
    await s.until(1);
    expect(s.results[0]).toEqual({ data: { ev: { c: e.cursor, kind: 'RAISED', actor: '王书记', __typename: 'IssueEvent', issue: { t: issue.title, session: { title: '议事' } } } } });
  });

  it('applies filters before hydration', async () => {
    await start();
    const mine = world.addIssue();
    const other = world.addIssue();
    const s = collect(connect(), ISSUE_EVENTS, { communityId: mine.communityId, kinds: ['RAISED', 'CLAIMED'] });
    await until(() => subs.counters.subscribers === 1);
    await world.issueEvent(other);
    await world.issueEvent(mine, { kind: 'SUPPORT_CHANGED', supportCount: 3 });
    await world.issueEvent(mine, { kind: 'CLAIMED' });
    await s.until(1);
    await settle(150);
    expect(s.results.map((r) => r.data.issueEvents.kind)).toEqual(['CLAIMED']);
    expect(subs.counters.hydrations).toBe(1);
  });

  it('100 identical subscribers share one hydration per event and get the same payload', async () => {
    await start();
    const issue = world.addIssue();
    const token = await signToken({ sub: 'screen-1', roles: ['SCREEN'] }, TEST_JWT_SECRET);
    const all = Array.from({ length: 20 }, () => connect(token)).flatMap((c) => Array.from({ length: 5 }, () => collect(c, ISSUE_EVENTS)));
    await until(() => subs.counters.subscribers === 100, 5000);
    expect(subs.counters.groups).toBe(1);
    for (let i = 0; i < 3; i++) await world.issueEvent(issue);
    await Promise.all(all.map((s) => s.until(3)));
    expect(subs.counters.hydrations).toBe(3);
    expect(subs.counters.deliveries).toBe(300);
    // Every hydration and every delivery is timed for the metrics endpoint.
    const { hydrationMs, deliveryMs } = subs.latency();
    expect(hydrationMs.samples).toBe(3);
    expect(deliveryMs.samples).toBe(300);
    expect(deliveryMs.p50).not.toBeNull();
    expect(deliveryMs.p99!).toBeGreaterThanOrEqual(deliveryMs.p50!);
    expect(new Set(all.map((s) => JSON.stringify(s.results))).size).toBe(1);
  });

  it('answers a malformed or invalid subscription with a coded error and keeps the socket', async () => {
    await start();
    const issue = world.addIssue();
    const c = connect();
    const syntax = collect(c, 'subscription { issueEvents { ');
    const invalid = collect(c, 'subscription { issueEvents { nope } }');
    await syntax.untilDone();
    await invalid.untilDone();
    const codes = (s: typeof syntax) => (s.error as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);
    expect(codes(syntax)).toEqual(['GRAPHQL_PARSE_FAILED']);
    expect(codes(invalid)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
    expect((invalid.error as { locations?: unknown[] }[])[0]!.locations).toEqual([{ line: 1, column: 30 }]);
    // The same socket still subscribes.
    const ok = collect(c, ISSUE_EVENTS);
    await until(() => subs.counters.subscribers === 1);
    await world.issueEvent(issue);
    await ok.until(1);
    expect(ok.results[0]!.data.issueEvents.issue.title).toBe(issue.title);
  });

  it('refuses a subscription past the per-connection cap with TOO_MANY_SUBSCRIPTIONS; the others go on', async () => {
    await start({ maxSubscriptionsPerConnection: 3 });
    const issue = world.addIssue();
    const c = connect();
    const held = [0, 1, 2].map(() => collect(c, ISSUE_EVENTS));
    await until(() => subs.counters.subscribers === 3);
    const refused = collect(c, ISSUE_EVENTS);
    await refused.untilDone();
    expect(refused.results.at(-1)?.errors?.[0]?.extensions).toMatchObject({ code: 'TOO_MANY_SUBSCRIPTIONS', limit: 3 });
    expect(refused.completed).toBe(true);
    expect(subs.counters.subscribers).toBe(3);
    await world.issueEvent(issue);
    await Promise.all(held.map((s) => s.until(1)));
    // Another connection has its own allowance.
    const elsewhere = collect(connect(), ISSUE_EVENTS);
    await until(() => subs.counters.subscribers === 4);
    await world.issueEvent(issue);
    await elsewhere.until(1);
  });

  it('closes a socket that sends a message over the HTTP body cap (1009) and no other, without an "internal error" stack trace', async () => {
    const printed = jest.spyOn(console, 'error');
    await start();
    const issue = world.addIssue();
    const other = collect(connect(), ISSUE_EVENTS);
    await until(() => subs.counters.subscribers === 1);
    const raw = new WebSocket(url, 'graphql-transport-ws');
    await new Promise((r) => raw.once('open', r));
    const closed = new Promise<number>((r) => raw.once('close', (code) => r(code)));
    raw.send(JSON.stringify({ type: 'connection_init', payload: { pad: 'x'.repeat(MAX_BODY_BYTES + 1) } }));
    expect(await closed).toBe(1009);
    await world.issueEvent(issue);
    await other.until(1);
    // A client's own protocol fault is not the server's internal error (graphql-ws printed it as one).
    expect(printed).not.toHaveBeenCalled();
    printed.mockRestore();
  });

  it('never shows reporterContact to a viewer a query would not show it to', async () => {
    await start();
    const issue = world.addIssue();
    const q = 'subscription { issueEvents { issue { reporterContact } } }';
    const staff = await signToken({ sub: 'staff-1', roles: ['STAFF'], communities: [issue.communityId] }, TEST_JWT_SECRET);
    const resident = await signToken({ sub: 'someone', roles: ['RESIDENT'] }, TEST_JWT_SECRET);
    const reporter = await signToken({ sub: issue.reporter, roles: ['RESIDENT'] }, TEST_JWT_SECRET);
    const [a, b, c, d] = [collect(connect(staff), q), collect(connect(resident), q), collect(connect(reporter), q), collect(connect(), q)];
    await until(() => subs.counters.subscribers === 4);
    await world.issueEvent(issue);
    await Promise.all([a, b, c, d].map((s) => s.until(1)));
    expect([a, b, c, d].map((s) => s.results[0]!.data.issueEvents.issue.reporterContact)).toEqual([issue.contact, null, issue.contact, null]);
  });

  it('resumes with after: exactly the events missed, in order, then live, with no duplicate at the seam', async () => {
    await start({ replayPageSize: 100 });
    const issue = world.addIssue();
    const first = collect(connect(), ISSUE_EVENTS);
    await until(() => subs.counters.subscribers === 1);
    for (let i = 0; i < 3; i++) await world.issueEvent(issue);
    await first.until(3);
    const last = first.results[2]!.data.issueEvents.cursor;
    first.dispose();
    await until(() => subs.counters.subscribers === 0);
    const missed = [];
    for (let i = 0; i < 500; i++) missed.push((await world.issueEvent(issue)).cursor);
    const again = collect(connect(), ISSUE_EVENTS, { after: last });
    // Live events while the replay runs: they must appear once, after the replayed ones.
    const during = [];
    for (let i = 0; i < 20; i++) during.push((await world.issueEvent(issue)).cursor);
    await again.until(520, 10000);
    const after = (await world.issueEvent(issue)).cursor;
    await again.until(521);
    await settle(100);
    expect(again.results.map((r) => r.data.issueEvents.cursor)).toEqual([...missed, ...during, after]);
  });

  it('cuts off a subscriber that never reads with SUBSCRIPTION_OVERFLOW; the others are unaffected', async () => {
    await start({ bufferLimit: 20 });
    const issue = world.addIssue({ title: '很长的标题'.repeat(4000) }); // ~60 KB per event fills socket buffers fast
    const slowClient = connect();
    const slow = collect(slowClient, ISSUE_EVENTS);
    const fast = collect(connect(), ISSUE_EVENTS);
    await until(() => subs.counters.subscribers === 2);
    const slowSocket = sockets[0]!;
    (slowSocket as unknown as { _socket: { pause(): void; resume(): void } })._socket.pause();
    // Paced, since server and clients share this process: the fast reader keeps up, the paused one cannot.
    for (let i = 0; i < 400; i++) {
      await world.issueEvent(issue);
      if (i % 10 === 9) await fast.until(i + 1, 5000);
    }
    await fast.until(400, 5000);
    await until(() => subs.counters.subscribers === 1, 5000);
    (slowSocket as unknown as { _socket: { resume(): void } })._socket.resume();
    await slow.untilDone(5000);
    const end = slow.results[slow.results.length - 1]!;
    expect(end.errors?.[0]?.extensions?.code).toBe(OVERFLOW_CODE);
    expect(end.errors?.[0]?.extensions?.cursor).toEqual(slow.results.length > 1 ? slow.results[slow.results.length - 2]!.data.issueEvents.cursor : expect.any(String));
    expect(slow.results.length).toBeLessThan(400);
    expect(subs.counters.overflows).toBe(1);
  }, 30000);

  it('authenticates in connection_init and ends subscriptions when the token expires', async () => {
    await start();
    const bad = collect(connect('not-a-token'), ISSUE_EVENTS);
    await bad.untilDone();
    expect((bad.error as { code?: number }).code).toBe(4401);
    expect((bad.error as { reason?: string }).reason).toBe('UNAUTHENTICATED: invalid or expired token');
    const token = await signToken({ sub: 'u1', roles: ['RESIDENT'], ttlSeconds: 1 }, TEST_JWT_SECRET);
    const s = collect(connect(token), ISSUE_EVENTS);
    await s.untilDone(3000);
    expect(s.results.at(-1)?.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(s.completed).toBe(true);
  });

  it('a bad token is refused at once: a default graphql-ws client reports it within 2 s and does not retry', async () => {
    await start();
    let opened = 0;
    const c = createClient({
      url,
      webSocketImpl: WebSocket,
      connectionParams: { authorization: 'Bearer forged.token.here' },
      on: { opened: () => void opened++ },
    });
    clients.push(c);
    const t0 = Date.now();
    const err = await new Promise<unknown>((resolve) => c.subscribe({ query: ISSUE_EVENTS }, { next: () => undefined, error: resolve, complete: () => resolve('completed') }));
    expect(Date.now() - t0).toBeLessThan(2000);
    expect(err).toMatchObject({ code: 4401, reason: 'UNAUTHENTICATED: invalid or expired token' });
    await new Promise((r) => setTimeout(r, 1500)); // graphql-ws' first retry would come within ~1-4 s
    expect(opened).toBe(1);
  });

  it('voteTallies: plan through the supergraph, supportCount from the event or the issue', async () => {
    await start();
    const issue = world.addIssue({ supportCount: 7, plans: [{ id: randomUUID(), summary: '建5个充电棚', votesFor: 12 }] });
    const s = collect(connect(), `subscription($issueId: ID) { voteTallies(issueId: $issueId) { supportCount plan { summary votesFor } issue { title } } }`, { issueId: issue.id });
    await until(() => subs.counters.subscribers === 1);
    await world.issueEvent(issue, { kind: 'RAISED' }); // not a tally
    await world.issueEvent(issue, { kind: 'SUPPORT_CHANGED', supportCount: 8 });
    await world.issueEvent(issue, { kind: 'PLAN_VOTED', planId: issue.plans[0]!.id });
    await s.until(2);
    expect(s.results.map((r) => r.data.voteTallies)).toEqual([
      { supportCount: 8, plan: null, issue: { title: issue.title } },
      { supportCount: 7, plan: { summary: '建5个充电棚', votesFor: 12 }, issue: { title: issue.title } },
    ]);
  });

  it('sessionEvents filtered by community, with the session hydrated', async () => {
    await start();
    const session = world.addSession('夏夜广场');
    const community = randomUUID();
    const s = collect(connect(), `subscription($c: ID) { sessionEvents(communityId: $c) { kind session { title } topic { title } } }`, { c: community });
    await until(() => subs.counters.subscribers === 1);
    await world.sessionEvent(randomUUID(), session.id);
    await world.sessionEvent(community, session.id, { kind: 'CLOSED' });
    await s.until(1);
    await settle(100);
    expect(s.results.map((r) => r.data.sessionEvents)).toEqual([{ kind: 'CLOSED', session: { title: '夏夜广场' }, topic: null }]);
  });

  it('a failed hydration is retried once, then reported without ending the subscription', async () => {
    await start();
    const issue = world.addIssue();
    const s = collect(connect(), ISSUE_EVENTS);
    await until(() => subs.counters.subscribers === 1);
    world.failNext = 1;
    await world.issueEvent(issue);
    world.failNext = 0;
    await s.until(1);
    expect(s.results[0]!.errors).toBeUndefined();
    world.failNext = 2;
    await world.issueEvent(issue);
    await s.until(2);
    expect(s.results[1]!.errors?.[0]?.extensions?.code).toBe('HYDRATION_FAILED');
    world.failNext = 0;
    await world.issueEvent(issue);
    await s.until(3);
    expect(s.completed).toBe(false);
  });

  it('close() completes every subscription', async () => {
    await start();
    const a = collect(connect(), ISSUE_EVENTS);
    const b = collect(connect(), ISSUE_EVENTS, { kinds: ['CLAIMED'] });
    await until(() => subs.counters.subscribers === 2);
    await subs.close();
    await Promise.all([a.untilDone(), b.untilDone()]);
    expect([a.completed, b.completed]).toEqual([true, true]);
  });
});

describe('subscriptions over Redis: recovery and several gateways', () => {
  const prefix = `plaza-test-${randomBytes(4).toString('hex')}`;
  const REDIS = new URL(REDIS_URL);
  const closers: (() => Promise<unknown>)[] = [];
  const bus = (url = REDIS_URL) => {
    const b = new RedisPubSub({ url, prefix, publishTimeoutMs: 200 });
    closers.push(() => b.close());
    return b;
  };
  const gateway = async (world: World, pubsub: PubSub) => {
    const { server, url } = await listen();
    const subs = attachSubscriptions({ httpServer: server, schema, pubsub, execute: world.execute, replay: world.replay, verifyToken: (t) => verifyToken(t, TEST_JWT_SECRET) });
    closers.push(async () => {
      await subs.close();
      await new Promise((r) => server.close(r));
    });
    return { subs, url };
  };
  const clientOf = (url: string) => {
    const c = client(url);
    closers.push(async () => c.dispose());
    return c;
  };
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
  });

  it('after the bus connection drops, the gateway fills the gap from the log: every event arrives once, in order', async () => {
    const world = new World(bus());
    const proxy = await tcpProxy({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
    closers.push(() => proxy.down());
    const g = await gateway(world, bus(proxy.url()));
    const issue = world.addIssue();
    const s = collect(clientOf(g.url), ISSUE_EVENTS);
    await until(() => g.subs.counters.subscribers === 1);
    const sent = [(await world.issueEvent(issue)).cursor];
    await s.until(1);
    await proxy.down();
    for (let i = 0; i < 10; i++) sent.push((await world.issueEvent(issue)).cursor); // mutations go on
    await proxy.up();
    await s.until(11, 5000);
    sent.push((await world.issueEvent(issue)).cursor);
    await s.until(12);
    await settle(100);
    expect(s.results.map((r) => r.data.issueEvents.cursor)).toEqual(sent);
  });

  it('two gateways on one Redis: subscribers on either get every event exactly once', async () => {
    const world = new World(bus());
    const [a, b] = [await gateway(world, bus()), await gateway(world, bus())];
    const issue = world.addIssue();
    const subsA = [collect(clientOf(a.url), ISSUE_EVENTS), collect(clientOf(a.url), ISSUE_EVENTS)];
    const subsB = [collect(clientOf(b.url), ISSUE_EVENTS)];
    await until(() => a.subs.counters.subscribers === 2 && b.subs.counters.subscribers === 1);
    const sent = [];
    for (let i = 0; i < 20; i++) sent.push((await world.issueEvent(issue)).cursor);
    await Promise.all([...subsA, ...subsB].map((s) => s.until(20)));
    await settle(150);
    for (const s of [...subsA, ...subsB]) expect(s.results.map((r) => r.data.issueEvents.cursor)).toEqual(sent);
    expect([a.subs.counters.hydrations, b.subs.counters.hydrations]).toEqual([20, 20]);
  });
});
