import { ok, TEST_GATEWAY_SECRET, TEST_JWT_SECRET } from '@plaza/shared/testing';
import { createGatewayServer, type GatewayApp } from '../src/server';
import { parseMetrics, sampleSum } from './metrics-text';
import { startStack, type Stack } from './stack';

/**
 * Identical queries of one viewer in flight together are answered once (InflightAnswers): a
 * crowd of phones opening the same page costs one execution. Never across viewers, never a
 * mutation, nothing kept after, and off with PLAZA_SHARE_INFLIGHT=0 (shareInflight: false).
 */
let stack: Stack;
let unshared: { app: GatewayApp; url: string };
let issueId: string;
let alice: string;
let bob: string;
let staff: string;
let communityId: string;

const DETAIL = 'query Detail($id: ID!) { issue(id: $id) { id title supportCount viewerSupports community { name } timeline(first: 5) { edges { node { kind } } } } }';
const ME = 'query Me { me { id roles } }';

async function sharedSoFar(origin: string): Promise<number> {
  return sampleSum(parseMetrics(await (await fetch(new URL('/metrics', origin))).text()), 'plaza_graphql_answers_shared_total');
}

/** `n` requests sent at once, each with its own connection's timing; answers in order. */
async function together<T>(n: number, send: (i: number) => Promise<T>): Promise<T[]> {
  return Promise.all(Array.from({ length: n }, (_, i) => send(i)));
}

beforeAll(async () => {
  stack = await startStack();
  const admin = await stack.as(['ADMIN']);
  communityId = ok(await stack.request<any>('mutation { createCommunity(input: { name: "方井社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
  staff = await stack.as(['STAFF'], [communityId]);
  alice = await stack.token('resident-alice', ['RESIDENT']);
  bob = await stack.token('resident-bob', ['RESIDENT']);
  issueId = ok(
    await stack.request<any>(
      'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
      { i: { communityId, title: '楼道堆物', description: '三号楼楼道堆满杂物', category: 'ENVIRONMENT_SANITATION' } },
      alice,
    ),
  ).raiseIssue.id;
  ok(await stack.request('mutation($id: ID!) { supportIssue(issueId: $id) { id } }', { id: issueId }, alice));
  const app = await createGatewayServer({ subgraphUrls: stack.subgraphs as Record<string, string>, jwtSecret: TEST_JWT_SECRET, gatewaySecret: TEST_GATEWAY_SECRET, shareInflight: false });
  unshared = { app, url: `http://127.0.0.1:${await app.listen(0)}/graphql` };
});

afterAll(async () => {
  await unshared?.app.close();
  await stack?.stop();
});

it('identical queries of one viewer in flight are answered once, each answer the same as alone', async () => {
  const alone = ok(await stack.request(DETAIL, { id: issueId }, bob)); // also: the guard has now judged the document
  const before = await sharedSoFar(stack.origin);
  const answers = await together(30, () => stack.request(DETAIL, { id: issueId }, bob));
  const shared = (await sharedSoFar(stack.origin)) - before;
  for (const a of answers) expect(ok(a)).toEqual(alone);
  expect(shared).toBeGreaterThan(0);
  expect(shared).toBeLessThan(30); // at least one ran
  // Nothing is kept after: a change is seen by the next request.
  ok(await stack.request('mutation($id: ID!) { supportIssue(issueId: $id) { id } }', { id: issueId }, bob));
  expect(ok<any>(await stack.request(DETAIL, { id: issueId }, bob)).issue).toMatchObject({ supportCount: alone.issue.supportCount + 1, viewerSupports: true });
});

it('never hands one viewer an answer computed for another', async () => {
  ok(await stack.request(ME, {}, alice));
  const tokens = [alice, bob, staff, undefined];
  const answers = await together(40, (i) => stack.request(ME, {}, tokens[i % tokens.length]));
  answers.forEach((a, i) => {
    const me = ok<any>(a).me;
    if (i % 4 === 0) expect(me).toEqual({ id: 'resident-alice', roles: ['RESIDENT'] });
    if (i % 4 === 1) expect(me).toEqual({ id: 'resident-bob', roles: ['RESIDENT'] });
    if (i % 4 === 2) expect(me.roles).toEqual(['STAFF']);
    if (i % 4 === 3) expect(me).toEqual({ id: null, roles: [] });
  });
  // The viewer-dependent field of one request, asked by two residents at once.
  const detail = await together(20, (i) => stack.request(DETAIL, { id: issueId }, i % 2 ? staff : alice));
  detail.forEach((a, i) => expect(ok<any>(a).issue.viewerSupports).toBe(i % 2 === 0));
});

it('identical mutations in flight each run', async () => {
  const raise = 'mutation Raise($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }';
  const input = { i: { communityId, title: '路灯不亮', description: '晚上很黑', category: 'PUBLIC_FACILITIES' } };
  ok(await stack.request(raise, input, alice));
  const before = await sharedSoFar(stack.origin);
  const ids = (await together(8, () => stack.request<any>(raise, input, alice))).map((a) => ok<any>(a).raiseIssue.id);
  expect(new Set(ids).size).toBe(8);
  expect(await sharedSoFar(stack.origin)).toBe(before);
});

it('shares nothing with PLAZA_SHARE_INFLIGHT=0', async () => {
  const post = (token: string): Promise<{ data?: any; errors?: unknown[] }> =>
    fetch(unshared.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: DETAIL, variables: { id: issueId } }),
    }).then((r) => r.json());
  await post(bob);
  const answers = await together(20, () => post(bob));
  for (const a of answers) expect(a.data?.issue?.id).toBe(issueId);
  expect(await sharedSoFar(new URL(unshared.url).origin)).toBe(0);
});
