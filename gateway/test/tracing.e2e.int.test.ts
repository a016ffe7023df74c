import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from './otlp-receiver';
import { startProcessStack, type ProcessStack } from './process-stack';

jest.setTimeout(120_000);

const SERVER = 2;
const CLIENT = 3;
const PRODUCER = 4;
const CONSUMER = 5;

async function eventually<T>(read: () => T | Promise<T>, check: (v: T) => boolean, ms = 15_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}, headers: Record<string, string> = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify({ query, variables }) });
  return (await res.json()) as { data?: any; errors?: unknown[] };
}

/**
 * Traces, run as operators run the system: the gateway and each subgraph in a process of its own
 * over Redis and PostgreSQL, exporting to a collector stand-in (the gateway over OTLP/JSON, the
 * subgraphs over the default OTLP/protobuf). One client request is one trace across processes;
 * an event's trace runs from the mutation through the outbox, the relay and the bus to the
 * gateway's hydration and delivery.
 */
describe('OpenTelemetry traces across processes (OTLP to a local receiver)', () => {
  let otlp: OtlpReceiver;
  let stack: ProcessStack;
  let ws: Client;
  const received: unknown[] = [];
  // The client's own trace context for the mutation, so its trace is found by id.
  const raiseTrace = randomBytes(16).toString('hex');
  const raiseParent = randomBytes(8).toString('hex');
  let issueId = '';

  beforeAll(async () => {
    otlp = await startOtlpReceiver();
    stack = await startProcessStack({
      demo: false,
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: otlp.origin, OTEL_BSP_SCHEDULE_DELAY: '100' },
      envOf: { gateway: { OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', LOG_LEVEL: 'debug' } },
    });
    const admin = await stack.token('admin', ['ADMIN']);
    const community = await post(stack.url, 'mutation MkCommunity { createCommunity(input: { name: "追踪社区", subdistrict: "三里河街道" }) { id } }', {}, { authorization: `Bearer ${admin}` });
    const communityId = community.data.createCommunity.id as string;
    const staff = await stack.token('staff', ['STAFF'], [communityId]);

    ws = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    ws.subscribe(
      { query: 'subscription Watch($c: ID) { issueEvents(communityId: $c) { kind issue { title community { name } } } }', variables: { c: communityId } },
      { next: (v) => received.push(v), error: () => {}, complete: () => {} },
    );
    // The subscription is live once the gateway counts it open.
    await eventually(
      async () => (await (await fetch(`${stack.origin}/metrics/subscriptions`)).json()) as { subscribers: number },
      (c) => c.subscribers === 1,
    );

    const raised = await post(
      stack.url,
      'mutation Raise($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
      { i: { communityId, title: '路灯不亮', description: '晚上很黑', category: 'PUBLIC_FACILITIES' } },
      { authorization: `Bearer ${staff}`, traceparent: `00-${raiseTrace}-${raiseParent}-01` },
    );
    issueId = raised.data.raiseIssue.id;
    expect((await post(stack.url, 'query Probe($id: ID!) { issue(id: $id) { title community { name } } }', { id: issueId })).errors).toBeUndefined();
    await eventually(
      () => received.length,
      (n) => n >= 1,
    );
  });

  afterAll(async () => {
    await ws?.dispose();
    await stack?.stop();
    await otlp?.close();
  });

  const spansOf = (traceId: string) => otlp.spans.filter((s) => s.traceId === traceId);
  /**
   * The span matching `where` below `ancestor` in `spans` (its child, or a deeper descendant
   * through spans Apollo Gateway makes itself: gateway.request, gateway.execute, gateway.fetch).
   */
  const one = (spans: ReceivedSpan[], where: Partial<ReceivedSpan>, ancestor?: ReceivedSpan): ReceivedSpan => {
    const byId = new Map(spans.map((s) => [s.spanId, s]));
    const below = (s: ReceivedSpan) => {
      for (let p = byId.get(s.parentSpanId), hops = 0; p && hops < 20; p = byId.get(p.parentSpanId), hops++) {
        if (p === ancestor) return true;
        // Only Apollo Gateway's own spans may sit between: one of ours in between is another path.
        if (!p.name.startsWith('gateway.')) return false;
      }
      return s.parentSpanId === ancestor?.spanId;
    };
    const found = spans.filter((s) => Object.entries(where).every(([k, v]) => (s as any)[k] === v) && (!ancestor || below(s)));
    if (!found.length) {
      const seen = spans.map((s) => `${s.service}:${s.name}(${s.spanId}<-${s.parentSpanId})`).join(', ');
      throw new Error(`no span ${JSON.stringify(where)}${ancestor ? ` under ${ancestor.service}:${ancestor.name}` : ''}; the trace has: ${seen}`);
    }
    return found[0]!;
  };

  it('a query is one trace: gateway request → subgraph calls → each subgraph request → its SQL', async () => {
    const gatewayRequest = await eventually(
      () => otlp.spans.find((s) => s.service === 'gateway' && s.kind === SERVER && s.attributes['graphql.operation.name'] === 'Probe'),
      (s) => !!s,
    );
    expect(gatewayRequest).toBeDefined();
    const trace = await eventually(
      () => spansOf(gatewayRequest!.traceId),
      (t) => t.filter((s) => s.name === 'SELECT').length >= 2,
    );
    expect(gatewayRequest!.parentSpanId).toBe('');
    // Readiness polls (the stack's, and the gateway's own of each subgraph) make no traces.
    expect(otlp.spans.filter((s) => s.name === 'GET /ready' || s.name === 'GET /health')).toEqual([]);
    expect(gatewayRequest!.encoding).toBe('json');
    for (const subgraph of ['issues', 'sessions']) {
      const call = one(trace, { service: 'gateway', name: `subgraph ${subgraph}`, kind: CLIENT }, gatewayRequest);
      // Served alone, or as one part of a multiplexed request when another read to the same
      // subgraph (here: the raise's subscription hydration) left in the same turn.
      const served = one(trace, { service: subgraph, kind: SERVER }, call);
      expect(['POST /graphql', 'multiplexed part']).toContain(served.name);
      expect(served.encoding).toBe('protobuf');
      expect(served.attributes['plaza.request_id']).toBe(gatewayRequest!.attributes['plaza.request_id']);
      const sql = one(trace, { service: subgraph, name: 'SELECT', kind: CLIENT }, served);
      expect(sql.attributes['db.system.name']).toBe('postgresql');
      expect(String(sql.attributes['db.query.text'])).toMatch(/^SELECT/);
    }
  });

  it("an event's trace runs mutation → outbox → relay → bus → hydration → delivery", async () => {
    // Each process exports on its own timer: the gateway's deliver span can arrive before the
    // issues process has exported the server span of the hydration's call (the mutation's and
    // the hydration's make two).
    const trace = await eventually(
      () => spansOf(raiseTrace),
      (t) => t.some((s) => s.name === 'subscription deliver') && t.filter((s) => s.service === 'issues' && s.kind === SERVER).length >= 2,
    );
    // The client's traceparent is honoured: the gateway's request span is its child.
    const request = one(trace, { service: 'gateway', kind: SERVER, name: 'POST /graphql' });
    expect(request.parentSpanId).toBe(raiseParent);
    const call = one(trace, { service: 'gateway', name: 'subgraph issues' }, request);
    const served = one(trace, { service: 'issues', kind: SERVER }, call);
    const outbox = one(trace, { service: 'issues', name: 'outbox write' }, served);
    expect(String(one(trace, { service: 'issues', name: 'INSERT' }, outbox).attributes['db.query.text'])).toContain('issue_event');
    const publish = one(trace, { service: 'issues', name: 'issueEvents publish', kind: PRODUCER }, outbox);
    const receive = one(trace, { service: 'gateway', name: 'issueEvents receive', kind: CONSUMER }, publish);
    const hydrate = one(trace, { service: 'gateway', name: 'subscription hydrate' }, receive);
    // The hydration's own subgraph calls, and their SQL, belong to the same trace.
    const hydrationCall = one(trace, { service: 'gateway', name: 'subgraph issues', kind: CLIENT }, hydrate);
    const hydrationServed = one(trace, { service: 'issues', kind: SERVER }, hydrationCall);
    one(trace, { service: 'issues', name: 'SELECT' }, hydrationServed);
    const deliver = one(trace, { service: 'gateway', name: 'subscription deliver' }, receive);
    expect(deliver.attributes['plaza.subscribers']).toBe(1);
  });

  it('log lines written inside a span carry its traceId', async () => {
    const gateway = stack.procs.find((p) => p.label === 'gateway')!;
    // The gateway's debug line per operation (requestLoggingPlugin) is written inside the request span.
    const json = () =>
      gateway.lines.flatMap((l) => {
        try {
          return [JSON.parse(l) as Record<string, unknown>];
        } catch {
          return [];
        }
      });
    const lines = await eventually(
      () => json().filter((l) => l.msg === 'graphql request' && l.traceId === raiseTrace),
      (ls) => ls.length > 0,
    );
    // The mutation's line, and the hydration's (it runs the operation through the gateway in that trace).
    expect(lines.length).toBeGreaterThanOrEqual(1);
    expect(lines[0]!.spanId).toMatch(/^[0-9a-f]{16}$/);
    // Outside any span (start-up), no traceId.
    const startup = json().find((l) => String(l.msg).startsWith('gateway on'));
    expect(startup).toBeDefined();
    expect(startup!.traceId).toBeUndefined();
  });
});
