import { ok, TEST_GATEWAY_SECRET, TEST_JWT_SECRET, viewer } from '@plaza/shared/testing';
import { IDENTITY_HEADER, signIdentity } from '@plaza/shared';
import { createGatewayServer, type GatewayApp } from '../src/server';
import { parseMetrics, sampleSum } from './metrics-text';
import { startStack, type Stack } from './stack';

/**
 * One request's parallel reads to one subgraph (here `Issue.community` and `Issue.session`, both
 * answered by sessions) travel as one batched HTTP request, with the same answers and errors as
 * when each goes alone (a second gateway with batching off, on the same subgraphs).
 */
let stack: Stack;
let unbatched: { app: GatewayApp; url: string };
let staff: string;
let issueId: string;
let communityId: string;
let sessionId: string;

beforeAll(async () => {
  stack = await startStack();
  const admin = await stack.as(['ADMIN']);
  communityId = ok(await stack.request<any>('mutation { createCommunity(input: { name: "方井社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
  ok(await stack.request('mutation($c: ID!) { addGrid(communityId: $c, name: "一网格") { id } }', { c: communityId }, admin));
  staff = await stack.as(['STAFF'], [communityId]);
  sessionId = ok(
    await stack.request<any>(
      'mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id } }',
      { i: { communityId, title: '加装电梯议事会', venue: '社区文化广场', host: '王书记', scheduledAt: '2030-06-01T11:00:00.000Z' } },
      staff,
    ),
  ).scheduleSession.id;
  issueId = ok(
    await stack.request<any>(
      'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
      { i: { communityId, sessionId, title: '楼道堆物', description: '三号楼楼道堆满杂物', category: 'ENVIRONMENT_SANITATION' } },
      await stack.as(['RESIDENT']),
    ),
  ).raiseIssue.id;
  const app = await createGatewayServer({ subgraphUrls: stack.subgraphs as Record<string, string>, jwtSecret: TEST_JWT_SECRET, gatewaySecret: TEST_GATEWAY_SECRET, batchSubgraphCalls: false });
  unbatched = { app, url: `http://127.0.0.1:${await app.listen(0)}/graphql` };
});

afterAll(async () => {
  await unbatched?.app.close();
  await stack?.stop();
});

/** HTTP requests and GraphQL operations the sessions subgraph has answered so far. */
async function sessionsCounts() {
  const samples = parseMetrics(await (await fetch(new URL('/metrics', stack.subgraphs.sessions))).text());
  return { http: sampleSum(samples, 'plaza_http_requests_total', { route: '/graphql' }), ops: sampleSum(samples, 'plaza_graphql_requests_total') };
}

/** What reaching sessions cost the request `run` makes. */
async function sessionsCost(run: () => Promise<unknown>) {
  const before = await sessionsCounts();
  await run();
  const after = await sessionsCounts();
  return { http: after.http - before.http, ops: after.ops - before.ops };
}

async function post(url: string, query: string, variables: Record<string, unknown>, token: string) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  return { status: res.status, body: (await res.json()) as { data?: any; errors?: { message: string; path?: unknown[]; extensions?: Record<string, unknown> }[] } };
}

const DETAIL = 'query($id: ID!) { issue(id: $id) { title community { id name } session { id title venue } } }';

describe('batched subgraph calls', () => {
  it("sends a plan's parallel fetches to one subgraph as one HTTP request, with the answer of unbatched calls", async () => {
    let batched: Awaited<ReturnType<typeof post>> | undefined;
    let alone: Awaited<ReturnType<typeof post>> | undefined;
    const withBatching = await sessionsCost(async () => (batched = await post(stack.url, DETAIL, { id: issueId }, staff)));
    const without = await sessionsCost(async () => (alone = await post(unbatched.url, DETAIL, { id: issueId }, staff)));
    expect(without).toEqual({ http: 2, ops: 2 });
    expect(withBatching).toEqual({ http: 1, ops: 2 });
    expect(batched).toEqual(alone);
    expect(batched!.body.data.issue).toEqual({
      title: '楼道堆物',
      community: { id: communityId, name: '方井社区' },
      session: { id: expect.any(String), title: '加装电梯议事会', venue: '社区文化广场' },
    });
  });

  it("keeps each operation's errors its own: one batched fetch failing leaves the other's data, as unbatched", async () => {
    // Community.sessions refuses a negative page size: Issue.session's fetch fails (its null goes up
    // to the nullable Issue.session), Issue.community's, batched with it, answers.
    const q = 'query($id: ID!) { issue(id: $id) { title community { name } session { title community { sessions(first: -1) { totalCount } } } } }';
    let batched: Awaited<ReturnType<typeof post>> | undefined;
    expect(await sessionsCost(async () => (batched = await post(stack.url, q, { id: issueId }, staff)))).toEqual({ http: 1, ops: 2 });
    const alone = await post(unbatched.url, q, { id: issueId }, staff);
    expect(batched!.body.errors).toEqual([expect.objectContaining({ path: ['issue', 'session', 'community', 'sessions'], extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) })]);
    expect(batched!.body.data).toEqual({ issue: { title: '楼道堆物', community: { name: '方井社区' }, session: null } });
    expect(batched).toEqual(alone);
  });

  it('never batches a mutation or what its plan reads after it', async () => {
    const m = 'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { title community { name } session { title } } }';
    const input = (title: string) => ({ i: { communityId, sessionId, title, description: '路灯不亮', category: 'ENVIRONMENT_SANITATION' } });
    const resident = await stack.as(['RESIDENT']);
    const cost = await sessionsCost(async () => ok(await stack.request(m, input('路灯坏了'), resident)));
    expect(cost.ops).toBeGreaterThanOrEqual(2);
    expect(cost.http).toBe(cost.ops);
  });
});

describe('a batch at the subgraph', () => {
  const batchBody = JSON.stringify([{ query: '{ communities { name } }' }, { query: 'query($id: ID!) { community(id: $id) { name } }', variables: {} }]);

  it('runs every operation of a signed batch and answers one result per operation, in order', async () => {
    const id = communityId;
    const body = JSON.stringify([{ query: '{ communities { name } }' }, { query: 'query($id: ID!) { community(id: $id) { name } }', variables: { id } }]);
    const res = await fetch(stack.subgraphs.sessions!, { method: 'POST', headers: { 'content-type': 'application/json', ...signIdentity(viewer(['STAFF'], [id]), TEST_GATEWAY_SECRET) }, body });
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([{ data: { communities: [{ name: '方井社区' }] } }, { data: { community: { name: '方井社区' } } }]);
  });

  it('refuses a batch whose identity was tampered with, running none of it', async () => {
    const headers = signIdentity(viewer(['RESIDENT']), TEST_GATEWAY_SECRET);
    const forged = { ...headers, [IDENTITY_HEADER]: Buffer.from(JSON.stringify(viewer(['ADMIN']))).toString('base64url') };
    const before = await sessionsCounts();
    const res = await fetch(stack.subgraphs.sessions!, { method: 'POST', headers: { 'content-type': 'application/json', ...forged }, body: batchBody });
    expect(res.status).toBe(401);
    expect(((await res.json()) as any).errors[0].extensions.code).toBe('UNAUTHENTICATED');
    expect((await sessionsCounts()).ops).toBe(before.ops);
    const unsigned = await fetch(stack.subgraphs.sessions!, { method: 'POST', headers: { 'content-type': 'application/json' }, body: batchBody });
    expect(unsigned.status).toBe(401);
  });
});
