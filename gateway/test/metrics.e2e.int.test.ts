import { randomBytes } from 'node:crypto';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { parseMetrics, sampleSum, sampleValue, type Sample } from './metrics-text';
import { startProcessStack, type ProcessStack } from './process-stack';
import { startStack, type Stack } from './stack';

jest.setTimeout(120_000);

const METRICS_TOKEN = `metrics-${randomBytes(12).toString('hex')}`;

async function scrape(origin: string, token: string | null = METRICS_TOKEN): Promise<Sample[]> {
  const res = await fetch(`${origin}/metrics`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  const text = await res.text();
  if (res.status !== 200) throw new Error(`${origin}/metrics answered ${res.status}: ${text}`);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parseMetrics(text);
}

async function eventually<T>(read: () => Promise<T>, check: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  for (;;) {
    const v = await read();
    if (check(v) || Date.now() > until) return v;
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function post(url: string, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(url, {
    method: 'POST',
    // As a GraphQL-over-HTTP client: request errors keep their 4xx status (README: API).
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { extensions?: { code?: string } }[] } };
}

describe('GET /metrics on every process, run as operators run them (one process each, Redis, METRICS_TOKEN)', () => {
  let stack: ProcessStack;
  let ws: Client;
  const received: unknown[] = [];

  beforeAll(async () => {
    stack = await startProcessStack({ demo: false, env: { METRICS_TOKEN, OVERDUE_SWEEP_MS: '1000', VOTE_CLOSE_SWEEP_MS: '200' } });
    const admin = await stack.token('admin', ['ADMIN']);
    const community = await post(stack.url, 'mutation MkCommunity { createCommunity(input: { name: "指标社区", subdistrict: "三里河街道" }) { id } }', {}, admin);
    const communityId = community.body.data.createCommunity.id as string;
    const staff = await stack.token('staff', ['STAFF'], [communityId]);

    // One subscriber, to see deliveries counted.
    ws = createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, lazy: false, retryAttempts: 0 });
    ws.subscribe(
      { query: 'subscription Watch($c: ID) { issueEvents(communityId: $c) { kind issue { title community { name } } } }', variables: { c: communityId } },
      { next: (v) => received.push(v), error: () => {}, complete: () => {} },
    );
    await eventually(
      () => scrape(stack.origins.gateway),
      (s) => sampleValue(s, 'plaza_subscriptions_open') === 1,
    );

    const raise = 'mutation Raise($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }';
    const ids: string[] = [];
    for (const title of ['路灯不亮', '井盖松动']) {
      const r = await post(stack.url, raise, { i: { communityId, title, description: '晚上很黑', category: 'PUBLIC_FACILITIES' } }, staff);
      ids.push(r.body.data.raiseIssue.id);
    }
    // The same named query three times: one plan made, two taken from the plan cache.
    for (let i = 0; i < 3; i++) {
      const r = await post(stack.url, 'query Probe($id: ID!) { issue(id: $id) { title community { name } } }', { id: ids[0] });
      expect(r.body.errors).toBeUndefined();
    }
    expect((await post(stack.url, '{ __typename }')).status).toBe(200); // anonymous
    expect((await post(stack.url, 'query Bad { nope }')).status).toBe(400);
    expect((await post(stack.url, '{ __typename }', {}, 'not-a-jwt')).status).toBe(401);
    expect((await fetch(`${stack.origin}/no/such/path/${randomBytes(4).toString('hex')}`)).status).toBe(404);
    const deep = `query Deep { ${'issues { edges { node { community { '.repeat(8)}name${' } } } }'.repeat(8)} }`;
    expect((await post(stack.url, deep)).body.errors?.[0]?.extensions?.code).toBe('QUERY_TOO_COMPLEX');
    await eventually(
      async () => received.length,
      (n) => n >= 2,
    );
  });

  afterAll(async () => {
    await ws?.dispose();
    await stack?.stop();
  });

  it('answers 401 without the token, on the gateway and on every subgraph (unsigned otherwise)', async () => {
    for (const origin of Object.values(stack.origins)) {
      const res = await fetch(`${origin}/metrics`);
      expect(res.status).toBe(401);
      expect((await fetch(`${origin}/metrics`, { headers: { authorization: 'Bearer wrong-token-0123456789' } })).status).toBe(401);
    }
  });

  it('gateway: operations by name, status and code; HTTP refusals; plan cache; subgraph calls; subscriptions; Node and Redis', async () => {
    const s = await eventually(
      () => scrape(stack.origins.gateway),
      (x) => (sampleValue(x, 'plaza_subscription_deliveries_total') ?? 0) >= 2,
    );
    const req = (labels: Record<string, string>) => sampleSum(s, 'plaza_graphql_requests_total', labels);
    expect(req({ operation: 'Probe', type: 'query', status: '200', code: 'none' })).toBe(3);
    expect(req({ operation: 'Raise', type: 'mutation', code: 'none' })).toBe(2);
    expect(req({ operation: 'MkCommunity', type: 'mutation', code: 'none' })).toBe(1);
    expect(req({ operation: 'anonymous', code: 'none' })).toBeGreaterThanOrEqual(1);
    expect(req({ operation: 'Bad', status: '400', code: 'GRAPHQL_VALIDATION_FAILED' })).toBe(1);
    expect(sampleSum(s, 'plaza_graphql_request_duration_seconds_count', { operation: 'Probe' })).toBe(3);
    // Refused before Apollo: counted at the HTTP level with their status, and by code.
    expect(sampleValue(s, 'plaza_http_requests_total', { route: '/graphql', method: 'POST', status: '401' })).toBe(1);
    expect(sampleValue(s, 'plaza_http_requests_total', { route: 'other', method: 'GET', status: '404' })).toBe(1);
    expect(sampleValue(s, 'plaza_graphql_refused_total', { code: 'QUERY_TOO_COMPLEX' })).toBe(1);
    expect(sampleSum(s, 'plaza_http_request_duration_seconds_count', { route: '/graphql' })).toBeGreaterThanOrEqual(9);
    // Probe and Raise were planned once each, then served from the plan cache (2 + 1 hits).
    expect(sampleValue(s, 'plaza_query_plan_cache_total', { result: 'hit' })).toBeGreaterThanOrEqual(3);
    expect(sampleValue(s, 'plaza_query_plan_cache_total', { result: 'miss' })).toBeGreaterThanOrEqual(3);
    // Probe: issues then sessions (community name), three times; hydrations call them too.
    expect(sampleValue(s, 'plaza_subgraph_fetches_total', { subgraph: 'issues', outcome: '200' })).toBeGreaterThanOrEqual(5);
    expect(sampleValue(s, 'plaza_subgraph_fetches_total', { subgraph: 'sessions', outcome: '200' })).toBeGreaterThanOrEqual(4);
    expect(sampleSum(s, 'plaza_subgraph_fetch_duration_seconds_count', { subgraph: 'issues' })).toBeGreaterThanOrEqual(5);
    expect(sampleSum(s, 'plaza_subgraph_fetches_total', { outcome: 'network' })).toBe(0);
    // Subscriptions: the server's own counters, read at scrape time.
    expect(sampleValue(s, 'plaza_subscriptions_open')).toBe(1);
    expect(sampleValue(s, 'plaza_subscription_groups')).toBe(1);
    expect(sampleValue(s, 'plaza_subscription_events_received_total')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(s, 'plaza_subscription_deliveries_total')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(s, 'plaza_subscription_hydrations_total')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(s, 'plaza_subscription_overflows_total')).toBe(0); // one reader that keeps up: never cut off
    expect(sampleValue(s, 'plaza_subscription_delivery_latency_samples')).toBeGreaterThanOrEqual(2);
    expect(sampleValue(s, 'plaza_subscription_delivery_latency_ms', { quantile: '0.99' })).toBeGreaterThanOrEqual(0);
    // Node: event-loop delay and the rest of prom-client's default metrics; Redis connections.
    expect(sampleValue(s, 'nodejs_eventloop_lag_p99_seconds')).toBeGreaterThanOrEqual(0);
    expect(sampleValue(s, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    expect(sampleValue(s, 'plaza_redis_up', { connection: 'pubsub-sub' })).toBe(1);
    expect(sampleValue(s, 'plaza_redis_up', { connection: 'rate-limit' })).toBe(1);
    expect(new Set(s.map((x) => x.labels.service))).toEqual(new Set(['gateway']));
  });

  it('issues: its operations, relay published with no backlog, both sweeps ran, pool and Redis', async () => {
    const s = await eventually(
      () => scrape(stack.origins.issues),
      (x) => (sampleValue(x, 'plaza_sweep_runs_total', { job: 'overdue', outcome: 'ok' }) ?? 0) >= 1,
    );
    // The gateway's subgraph operations are named after the client's (Probe__issues__0).
    expect(sampleSum(s, 'plaza_graphql_requests_total', { type: 'query', code: 'none' })).toBeGreaterThanOrEqual(3);
    expect(sampleSum(s, 'plaza_graphql_requests_total', { type: 'mutation', code: 'none' })).toBe(2);
    const relay = { relay: 'issues.issue_event->issueEvents' };
    expect(sampleValue(s, 'plaza_relay_published_total', relay)).toBe(2);
    expect(sampleValue(s, 'plaza_relay_backlog', relay)).toBe(0);
    expect(sampleValue(s, 'plaza_relay_lag_seconds', relay)).toBe(0);
    expect(sampleValue(s, 'plaza_relay_leader', relay)).toBe(1);
    expect(sampleValue(s, 'plaza_sweep_runs_total', { job: 'overdue', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(s, 'plaza_sweep_runs_total', { job: 'vote-close', outcome: 'ok' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(s, 'plaza_sweep_runs_total', { job: 'overdue', outcome: 'error' })).toBe(0);
    expect(sampleValue(s, 'plaza_sweep_items_total', { job: 'overdue' })).toBe(0);
    expect(sampleValue(s, 'plaza_db_pool_connections', { state: 'idle' })).toBeGreaterThanOrEqual(1);
    expect(sampleValue(s, 'plaza_db_pool_connections', { state: 'in_use' })).toBeGreaterThanOrEqual(0);
    expect(sampleValue(s, 'plaza_db_pool_waiting')).toBe(0);
    expect(sampleValue(s, 'plaza_redis_up', { connection: 'pub' })).toBe(1);
    expect(new Set(s.map((x) => x.labels.service))).toEqual(new Set(['issues']));
  });

  it('sessions and volunteering: their own series only', async () => {
    const sessions = await scrape(stack.origins.sessions);
    expect(sampleSum(sessions, 'plaza_graphql_requests_total', { type: 'mutation', code: 'none' })).toBe(1);
    expect(sampleValue(sessions, 'plaza_relay_leader', { relay: 'sessions.session_event->sessionEvents' })).toBe(1);
    expect(sampleValue(sessions, 'plaza_sweep_runs_total', { job: 'overdue', outcome: 'ok' })).toBeUndefined();
    const volunteering = await scrape(stack.origins.volunteering);
    expect(sampleValue(volunteering, 'plaza_db_pool_waiting')).toBe(0);
    expect(volunteering.some((x) => x.name.startsWith('plaza_relay_'))).toBe(false);
    expect(new Set(volunteering.map((x) => x.labels.service))).toEqual(new Set(['volunteering']));
  });
});

describe('one process for every package (as `npm start` without REDIS_URL): each /metrics holds its own package only', () => {
  let stack: Stack;

  beforeAll(async () => {
    stack = await startStack({ bus: 'memory' });
  });

  afterAll(async () => {
    await stack?.stop();
  });

  it('counts a gateway query once on the gateway and its subgraph call once on that subgraph', async () => {
    const admin = await stack.as(['ADMIN']);
    expect((await stack.request('mutation Make { createCommunity(input: { name: "单进程社区", subdistrict: "阜安街道" }) { id } }', {}, admin)).status).toBe(200);
    const gw = await scrape(stack.origin, null);
    expect(sampleSum(gw, 'plaza_graphql_requests_total', { operation: 'Make' })).toBe(1);
    expect(new Set(gw.map((x) => x.labels.service))).toEqual(new Set(['gateway']));
    for (const [name, url] of Object.entries(stack.subgraphs)) {
      const s = await scrape(new URL(url!).origin, null);
      expect(new Set(s.map((x) => x.labels.service))).toEqual(new Set([name]));
      expect(sampleSum(s, 'plaza_graphql_requests_total', { type: 'mutation' })).toBe(name === 'sessions' ? 1 : 0);
      // Each registry has its own Node series too (same process, so the same figures).
      expect(sampleValue(s, 'process_resident_memory_bytes')).toBeGreaterThan(0);
    }
  });
});
