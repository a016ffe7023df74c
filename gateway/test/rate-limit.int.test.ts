import { randomBytes } from 'node:crypto';
import { DEFAULT_REDIS_URL, parseEnv } from '@plaza/shared';
import { ok, TEST_GATEWAY_SECRET, TEST_JWT_SECRET } from '@plaza/shared/testing';
import { gatewayEnvSchema, main, type GatewayEnv } from '../src';
import { startStack, type Stack } from './stack';

// Statuses other than 200 for request errors are what GraphQL over HTTP gives clients that accept
// application/graphql-response+json; with application/json they answer 200 (graphql-over-http.int.test.ts).
const GRAPHQL_RESPONSE = 'application/graphql-response+json';

/**
 * The support/vote rate limit with two gateway processes' worth of `main` on one Redis, as
 * `PORT=4010 npm run start:gateway` beside `npm start` would run: a resident gets 30 calls a
 * minute in all, not 30 per gateway.
 */
const REDIS_URL = process.env.REDIS_URL || DEFAULT_REDIS_URL;
jest.setTimeout(60_000);

let stack: Stack;
const gateways: Awaited<ReturnType<typeof main>>[] = [];

beforeAll(async () => {
  stack = await startStack();
  const env = parseEnv(gatewayEnvSchema, {
    NODE_ENV: 'test',
    LOG_LEVEL: 'silent',
    REDIS_URL,
    PLAZA_CHANNEL_PREFIX: `plaza-rl-${randomBytes(4).toString('hex')}`,
    JWT_SECRET: TEST_JWT_SECRET,
    GATEWAY_SECRET: TEST_GATEWAY_SECRET,
    PORT: '0',
    SESSIONS_URL: stack.subgraphs.sessions,
    ISSUES_URL: stack.subgraphs.issues,
    VOLUNTEERING_URL: stack.subgraphs.volunteering,
  } as NodeJS.ProcessEnv) as GatewayEnv;
  for (let i = 0; i < 2; i++) gateways.push(await main(env));
});

afterAll(async () => {
  for (const g of gateways) await g.close();
  await stack?.stop();
});

it('holds 30 support calls a minute per resident across two gateways on one Redis', async () => {
  const admin = await stack.as(['ADMIN']);
  const communityId = ok<any>(await stack.request('mutation { createCommunity(input: { name: "限流社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
  const resident = await stack.as(['RESIDENT']);
  const issueId = ok<any>(
    await stack.request(
      'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
      { i: { communityId, title: '楼道灯坏了', description: '三单元楼道灯坏了', category: 'PUBLIC_FACILITIES' } },
      resident,
    ),
  ).raiseIssue.id;
  const call = (port: number) =>
    fetch(`http://127.0.0.1:${port}/graphql`, {
      method: 'POST',
      headers: { accept: GRAPHQL_RESPONSE, 'content-type': 'application/json', authorization: `Bearer ${resident}` },
      body: JSON.stringify({ query: 'mutation($i: ID!) { supportIssue(issueId: $i) { id } }', variables: { i: issueId } }),
    });
  const statuses: number[] = [];
  for (let i = 0; i < 40; i++) statuses.push((await call(gateways[i % 2]!.port)).status);
  expect(statuses.filter((s) => s === 200)).toHaveLength(30);
  expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
  const refused = await call(gateways[0]!.port);
  expect(refused.status).toBe(429);
  const body = (await refused.json()) as { errors: { extensions: { code: string; retryAfter: number } }[] };
  expect(body.errors[0]!.extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
  // Another resident is counted apart.
  const other = await stack.as(['RESIDENT']);
  const res = await fetch(`http://127.0.0.1:${gateways[1]!.port}/graphql`, {
    method: 'POST',
    headers: { accept: GRAPHQL_RESPONSE, 'content-type': 'application/json', authorization: `Bearer ${other}` },
    body: JSON.stringify({ query: 'mutation($i: ID!) { supportIssue(issueId: $i) { id } }', variables: { i: issueId } }),
  });
  expect(res.status).toBe(200);
});

describe('counts the calls that execute, however the document wraps them', () => {
  let issueId: string;

  beforeAll(async () => {
    const admin = await stack.as(['ADMIN']);
    const communityId = ok<any>(await stack.request('mutation { createCommunity(input: { name: "包装社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
    const raiser = await stack.as(['RESIDENT']);
    issueId = ok<any>(
      await stack.request(
        'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
        { i: { communityId, title: '路灯不亮', description: '北门路灯不亮', category: 'PUBLIC_FACILITIES' } },
        raiser,
      ),
    ).raiseIssue.id;
  });

  const send = (token: string, query: string, variables: Record<string, unknown>) =>
    fetch(`http://127.0.0.1:${gateways[0]!.port}/graphql`, {
      method: 'POST',
      headers: { accept: GRAPHQL_RESPONSE, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query, variables }),
    });

  // Each of these went through uncounted (40 of 40) while only literal root fields were counted.
  it.each([
    ['an inline fragment', 'mutation($i: ID!) { ... on Mutation { supportIssue(issueId: $i) { id } } }'],
    ['a named fragment', 'mutation($i: ID!) { ...S } fragment S on Mutation { supportIssue(issueId: $i) { id } }'],
    ['@include(if: $yes)', 'mutation($i: ID!, $yes: Boolean!) { ... @include(if: $yes) { supportIssue(issueId: $i) { id } } }'],
    ['@skip(if: false)', 'mutation($i: ID!) { ... @skip(if: false) { s: supportIssue(issueId: $i) { id } } }'],
    ['an alias inside a fragment', 'mutation($i: ID!) { ...S } fragment S on Mutation { a: supportIssue(issueId: $i) @include(if: true) { id } }'],
  ])('through %s: the 31st call is RATE_LIMITED (429)', async (_wrapper, query) => {
    const resident = await stack.as(['RESIDENT']);
    const statuses: number[] = [];
    for (let i = 0; i < 31; i++) statuses.push((await send(resident, query, { i: issueId, yes: true })).status);
    expect(statuses.slice(0, 30).every((s) => s === 200)).toBe(true);
    expect(statuses[30]).toBe(429);
  });

  it('does not count a call @skip(if: true) leaves out', async () => {
    const resident = await stack.as(['RESIDENT']);
    const skipped = 'mutation($i: ID!) { supportIssue(issueId: $i) @skip(if: true) { id } }';
    for (let i = 0; i < 40; i++) expect((await send(resident, skipped, { i: issueId })).status).not.toBe(429);
    const plain = 'mutation($i: ID!) { supportIssue(issueId: $i) { id } }';
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await send(resident, plain, { i: issueId })).status);
    expect(statuses.every((s) => s === 200)).toBe(true);
    const refused = await send(resident, plain, { i: issueId });
    expect(refused.status).toBe(429);
    expect(((await refused.json()) as any).errors[0].extensions).toMatchObject({ code: 'RATE_LIMITED', retryAfter: expect.any(Number) });
  });
});
