import { ok } from '@plaza/shared/testing';
import { OVERFLOW_CODE } from '../src/subscriptions';
import { client, collect, settle, sockets, until, type Collected } from '../src/subscriptions/__tests__/stand-in';
import { startStack, type Stack } from './stack';

/**
 * Issue 11 through the real stack (subgraphs, Postgres, the gateway's subscription server on the
 * in-process bus): what one hostile or unlucky subscriber does must not reach anyone else.
 */

jest.setTimeout(60_000);

const errorCodes = (s: Collected) => ((s.error ?? []) as { extensions?: { code?: string } }[]).map((e) => e.extensions?.code);

describe('hostile subscribers through the real stack', () => {
  let stack: Stack;
  let staff: string;
  let communityId: string;
  const clients: ReturnType<typeof client>[] = [];
  const connect = (token?: string) => {
    const c = client(stack.wsUrl, token);
    clients.push(c);
    return c;
  };
  const counters = () => stack.gateway.subscriptions!.counters;
  const raise = async (title: string) =>
    ok<any>(await stack.request('mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }', { i: { communityId, title, description: '晚上很黑', category: 'PUBLIC_FACILITIES' } }, staff))
      .raiseIssue.id as string;

  beforeAll(async () => {
    stack = await startStack({ bus: 'memory' });
    const admin = await stack.as(['ADMIN']);
    communityId = ok<any>(await stack.request('mutation { createCommunity(input: { name: "敌意社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
    staff = await stack.as(['STAFF'], [communityId]);
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.dispose()));
    sockets.length = 0;
    await until(() => counters().subscribers === 0, 5000);
  });
  afterAll(async () => {
    await stack?.stop();
  });

  it('variables of the wrong type are refused at subscribe (BAD_USER_INPUT); a subscriber created after them still gets events', async () => {
    const q = 'subscription($c: [ID!]) { issueEvents(communityIds: $c) { cursor issue { title } } }';
    const c = connect();
    const bad = collect(c, q, { c: { not: 'a list' } });
    const coerced = collect(c, q, { c: 5 }); // a valid [ID!] once coerced: ["5"]
    await bad.untilDone();
    expect(errorCodes(bad)).toEqual(['BAD_USER_INPUT']);
    await until(() => counters().subscribers === 1);
    const later = collect(c, q, { c: [communityId] }); // same socket: it stayed open
    await until(() => counters().subscribers === 2);
    await raise('敌意之后');
    await later.until(1, 2000);
    expect(later.results[0]!.data.issueEvents.issue.title).toBe('敌意之后');
    expect(coerced.results).toEqual([]);
  });

  it('voteTallies { plan { viewerStance } }: each resident sees their own stance, never another’s', async () => {
    const issueId = await raise('要不要装充电桩');
    const planId = ok<any>(await stack.request('mutation($i: ID!) { proposePlan(issueId: $i, summary: "装在东门") { id } }', { i: issueId }, staff)).proposePlan.id;
    const [x, y] = [await stack.as(['RESIDENT'], [communityId]), await stack.as(['RESIDENT'], [communityId])];
    const q = 'subscription($i: ID) { voteTallies(issueId: $i) { cursor plan { id viewerStance } } }';
    // Y first: before the fix, Y's identity hydrated the group both residents shared.
    const ys = collect(connect(y), q, { i: issueId });
    await until(() => counters().subscribers === 1);
    const xs = collect(connect(x), q, { i: issueId });
    await until(() => counters().subscribers === 2);
    expect(counters().groups).toBe(2);
    ok(await stack.request('mutation($p: ID!) { votePlan(planId: $p, stance: FOR) { id } }', { p: planId }, x));
    await Promise.all([xs.until(1, 2000), ys.until(1, 2000)]);
    expect(xs.results.at(-1)!.data.voteTallies.plan).toEqual({ id: planId, viewerStance: 'FOR' });
    expect(ys.results.at(-1)!.data.voteTallies.plan).toEqual({ id: planId, viewerStance: null });
  });

  it('a 716-byte exploding fragment document is refused with QUERY_TOO_COMPLEX in milliseconds while /health answers', async () => {
    const frags = Array.from({ length: 20 }, (_, i) => `fragment F${i} on IssueEvent{...F${i + 1} ...F${i + 1}}`).join(' ');
    const query = `subscription{issueEvents{...F0}} ${frags} fragment F20 on IssueEvent{cursor}`;
    const c = connect();
    const warm = collect(c, 'subscription { issueEvents { cursor } }');
    await until(() => counters().subscribers === 1);
    const t0 = performance.now();
    const s = collect(c, query);
    const health = fetch(`${stack.origin}/health`).then((r) => ({ status: r.status, ms: performance.now() - t0 }));
    await s.untilDone(2000);
    const refusedMs = performance.now() - t0;
    expect(errorCodes(s)).toEqual(['QUERY_TOO_COMPLEX']);
    // Seconds while the cost walk expanded every spread; a few ms quiet; room for a busy CI machine.
    expect(refusedMs).toBeLessThan(500);
    const h = await health;
    expect(h.status).toBe(200);
    expect(h.ms).toBeLessThan(500);
    expect(warm.error).toBeUndefined();
  });

  it('200 subscribes at once on one socket: exactly 100 accepted', async () => {
    const c = connect();
    const all = Array.from({ length: 200 }, (_, i) => collect(c, 'subscription($c: ID) { issueEvents(communityId: $c) { cursor } }', { c: `c-${i}` }));
    const refused = () => all.filter((x) => x.results.some((r) => r.errors?.[0]?.extensions?.code === 'TOO_MANY_SUBSCRIPTIONS')).length;
    await until(() => refused() >= 100, 10_000);
    await settle(300);
    expect(refused()).toBe(100);
    expect(counters().subscribers).toBe(100);
  });

  it('a slow reader gets SUBSCRIPTION_OVERFLOW after reading little, resumes with after and misses nothing; others unaffected', async () => {
    // ~300 KB per event (20 aliases of a 5,000-character description): 4 MB of backlog is ~14 events.
    const wide = `subscription($c: ID, $after: String) { issueEvents(communityId: $c, after: $after) { cursor issue { ${Array.from({ length: 20 }, (_, i) => `d${i}: description`).join(' ')} } } }`;
    const slow = collect(connect(), wide, { c: communityId });
    const fast = collect(connect(), wide, { c: communityId });
    await until(() => counters().subscribers === 2);
    const ws = sockets[0]!;
    const raw = (ws as unknown as { _socket: { pause(): void; resume(): void } })._socket;
    let read = 0;
    let beforeError = -1;
    ws.on('message', (d: Buffer) => {
      if (beforeError < 0 && d.includes(OVERFLOW_CODE)) beforeError = read;
      read += d.length;
    });
    raw.pause();
    const body = '很长的描述'.repeat(1000);
    let n = 0;
    while (counters().subscribers > 1 && n < 200) {
      await Promise.all(
        Array.from({ length: 10 }, () =>
          stack.request('mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }', { i: { communityId, title: '大事件', description: body, category: 'PUBLIC_FACILITIES' } }, staff).then(ok),
        ),
      );
      n += 10;
      await fast.until(n, 10_000);
    }
    expect(counters().subscribers).toBe(1);
    // Reads again, slowly: 5 ms in every 50.
    let reading = true;
    const tick = setInterval(() => {
      raw.resume();
      setTimeout(() => reading && raw.pause(), 5);
    }, 50);
    try {
      await slow.untilDone(15_000);
    } finally {
      reading = false;
      clearInterval(tick);
      raw.resume();
    }
    const end = slow.results.at(-1)!;
    expect(end.errors?.[0]?.extensions?.code).toBe(OVERFLOW_CODE);
    const cursor = end.errors![0]!.extensions!.cursor as string;
    expect(cursor).toBe(slow.results.at(-2)?.data.issueEvents.cursor);
    expect(beforeError).toBeGreaterThanOrEqual(0);
    expect(beforeError).toBeLessThan(1024 * 1024); // the high-water mark and a frame or two, not the kernel's megabytes
    const fastCursors = fast.results.map((r) => r.data.issueEvents.cursor);
    const rest = fastCursors.slice(fastCursors.indexOf(cursor) + 1);
    const again = collect(connect(), wide, { c: communityId, after: cursor });
    await again.until(rest.length, 15_000);
    expect(again.results.map((r) => r.data.issueEvents.cursor)).toEqual(rest);
    expect(fast.error).toBeUndefined();
  });

  it('HTTP: two operations with operationName "" (or none, or an unknown one) get a coded 400 naming the problem, not a 500', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'query A { __typename } query B { __schema { queryType { name } } }', operationName: '' }),
    });
    const body = (await res.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect(res.status).toBe(400);
    expect(body.errors?.[0]?.message).toMatch(/operation name/i);
    expect(body.errors?.[0]?.extensions?.code).toBe('BAD_REQUEST');
    for (const operationName of [undefined, 'C']) {
      const r = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query A { __typename } query B { __typename }', operationName }),
      });
      expect(r.status).toBe(400);
      expect(((await r.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
    }
    await settle(10);
  });
});
