import WebSocket from 'ws';
import { ok } from '@plaza/shared/testing';
import { SERVICE_RESTART } from '../src/lifecycle/drain';
import { client, collect, until } from '../src/subscriptions/__tests__/stand-in';
import { startStack, type Stack } from './stack';

/**
 * Issue 15, part 1: a gateway told to stop (SIGTERM → app.drain) answers /ready 503 and refuses
 * new WebSockets at once, keeps serving HTTP and its open subscriptions through the grace period,
 * then closes every socket with 1012 — without `complete`, so the client comes back (here: to a
 * second gateway on the same bus) and resumes with `after`: nothing lost, nothing twice.
 */

jest.setTimeout(60_000);

const EVENTS = `subscription($c: ID, $after: String) { issueEvents(communityId: $c, after: $after) { cursor kind issue { title } } }`;

interface RawSub {
  frames: any[];
  closed: Promise<{ code: number; at: number }>;
}

/** graphql-transport-ws by hand, to see every frame and the close code as they come. */
async function rawSubscribe(url: string, token: string, variables: Record<string, unknown>): Promise<RawSub> {
  const ws = new WebSocket(url, 'graphql-transport-ws');
  const frames: any[] = [];
  const closed = new Promise<{ code: number; at: number }>((resolve) => ws.on('close', (code) => resolve({ code, at: Date.now() })));
  await new Promise<void>((resolve, reject) => {
    ws.on('open', () => ws.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
    ws.on('error', reject);
    ws.on('message', (m) => {
      const f = JSON.parse(String(m));
      if (f.type === 'connection_ack') {
        ws.send(JSON.stringify({ id: 's1', type: 'subscribe', payload: { query: EVENTS, variables } }));
        resolve();
      } else if (f.type === 'ping') ws.send(JSON.stringify({ type: 'pong' }));
      else frames.push(f);
    });
  });
  return { frames, closed };
}

describe('a draining gateway', () => {
  let stack: Stack;
  let staff: string;
  let communityId: string;

  beforeAll(async () => {
    stack = await startStack({ bus: 'memory' });
    const admin = await stack.as(['ADMIN']);
    communityId = ok<any>(await stack.request('mutation { createCommunity(input: { name: "方井社区", subdistrict: "阜安街道" }) { id } }', {}, admin)).createCommunity.id;
    staff = await stack.as(['STAFF'], [communityId]);
  });
  afterAll(() => stack?.stop());

  const raiseAt = async (url: string, title: string) => {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${staff}` },
      body: JSON.stringify({
        query: 'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
        variables: { i: { communityId, title, description: '说明', category: 'PUBLIC_FACILITIES' } },
      }),
    });
    expect(res.status).toBe(200);
    return ok<any>((await res.json()) as any).raiseIssue.id as string;
  };

  it('turns /ready to 503, refuses new sockets, serves HTTP through the grace, closes with 1012, and the client resumes elsewhere', async () => {
    const other = await stack.startGateway();
    const a = stack.gateway;
    const sub = await rawSubscribe(stack.wsUrl, staff, { c: communityId });
    await until(() => a.subscriptions!.counters.subscribers === 1, 5000);
    await raiseAt(stack.url, '一号');
    await until(() => sub.frames.length === 1, 5000);

    const graceMs = 800;
    const t0 = Date.now();
    const drained = a.drain(graceMs);
    const ready = await fetch(`${stack.origin}/ready`);
    expect(ready.status).toBe(503);
    expect(await ready.json()).toMatchObject({ status: 'draining' });
    // A newcomer is refused (the load balancer sends it to another gateway).
    const refused = await new Promise<number>((resolve) => {
      const ws = new WebSocket(stack.wsUrl, 'graphql-transport-ws');
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
      ws.on('open', () => resolve(101));
    });
    expect(refused).toBe(503);
    // HTTP and the open subscription go on during the grace.
    await raiseAt(stack.url, '二号');
    await until(() => sub.frames.length === 2, 5000);

    const close = await sub.closed;
    expect(close.code).toBe(SERVICE_RESTART);
    expect(close.at - t0).toBeGreaterThanOrEqual(graceMs - 50);
    expect(sub.frames.map((f) => f.type)).toEqual(['next', 'next']); // no `complete`: the client comes back
    await drained;
    await expect(fetch(`${stack.origin}/health`)).rejects.toThrow();

    // Meanwhile an event on the other gateway; the client resumes there from its last cursor.
    await raiseAt(other.url, '三号');
    const last = sub.frames[1].payload.data.issueEvents.cursor as string;
    const c = client(other.wsUrl, staff);
    const resumed = collect(c, EVENTS, { c: communityId, after: last });
    await resumed.until(1, 5000);
    await raiseAt(other.url, '四号');
    await resumed.until(2, 5000);
    await new Promise((r) => setTimeout(r, 200));
    expect(resumed.results.map((r) => r.data.issueEvents.issue.title)).toEqual(['三号', '四号']);
    await c.dispose();
  });

  it('with no socket open it does not wait for the grace', async () => {
    const g = await stack.startGateway();
    const t0 = Date.now();
    await g.app.drain(10_000);
    expect(Date.now() - t0).toBeLessThan(3000);
  });
});
