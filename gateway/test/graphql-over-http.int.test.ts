import { createServer, type Server } from 'node:http';
import { signToken } from '@plaza/shared';
import { ok, TEST_GATEWAY_SECRET, TEST_JWT_SECRET } from '@plaza/shared/testing';
import { createGatewayServer, type GatewayApp } from '../src/server';
import { startStack, type Stack } from './stack';

/**
 * The gateway's HTTP edge (issue 14): CORS for consoles on their own origin, errors in the shape
 * the client's Accept asks for (GraphQL over HTTP), and a failing subgraph named, not relabelled.
 */
jest.setTimeout(90_000);

const GRAPHQL_RESPONSE = 'application/graphql-response+json';
let stack: Stack;
let communityId: string;
let issueId: string;

beforeAll(async () => {
  stack = await startStack();
  const admin = await stack.as(['ADMIN']);
  communityId = ok<any>(await stack.request('mutation { createCommunity(input: { name: "跨域社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
  const resident = await stack.as(['RESIDENT']);
  issueId = ok<any>(
    await stack.request('mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }', { i: { communityId, title: '路灯不亮', description: '小区东门路灯不亮', category: 'SAFETY' } }, resident),
  ).raiseIssue.id;
});
afterAll(() => stack?.stop());

async function gatewayWith(o: Partial<Parameters<typeof createGatewayServer>[0]>): Promise<{ app: GatewayApp; origin: string }> {
  const app = await createGatewayServer({ subgraphUrls: stack.subgraphs as Record<string, string>, jwtSecret: TEST_JWT_SECRET, gatewaySecret: TEST_GATEWAY_SECRET, ...o });
  return { app, origin: `http://127.0.0.1:${await app.listen(0)}` };
}

describe('CORS', () => {
  const CONSOLE = 'http://console.test:5173';
  const preflight = (url: string, origin: string) =>
    fetch(url, {
      method: 'OPTIONS',
      headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization, content-type, apollo-require-preflight, x-request-id' },
    });

  it("answers a console's preflight and its calls on /graphql and the exports (any origin outside production)", async () => {
    for (const path of ['/graphql', '/export/departments.csv', '/export/issues.csv']) {
      const res = await preflight(`${stack.origin}${path}`, CONSOLE);
      expect(res.status).toBe(204);
      expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
      expect(res.headers.get('access-control-allow-credentials')).toBe('true');
      expect(res.headers.get('access-control-allow-methods')).toMatch(/POST/);
      const allowed = res.headers.get('access-control-allow-headers')!.split(', ');
      expect(allowed).toEqual(expect.arrayContaining(['authorization', 'content-type', 'x-request-id', 'apollo-require-preflight']));
      expect(res.headers.get('vary')).toMatch(/Origin/);
    }
    const token = await stack.as(['ANALYST']);
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { origin: CONSOLE, 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    expect(res.headers.get('access-control-expose-headers')).toBe('x-request-id, retry-after');
    const csv = await fetch(`${stack.origin}/export/departments.csv`, { headers: { origin: CONSOLE, authorization: `Bearer ${token}` } });
    await csv.arrayBuffer();
    expect(csv.status).toBe(200);
    expect(csv.headers.get('access-control-allow-origin')).toBe(CONSOLE);
    // Not the screen, GraphiQL or health: those are same-origin pages.
    const health = await fetch(`${stack.origin}/health`, { headers: { origin: CONSOLE } });
    await health.arrayBuffer();
    expect(health.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('lets only CORS_ORIGINS in when set, and nobody in production by default', async () => {
    const listed = await gatewayWith({ corsOrigins: [CONSOLE] });
    const production = await gatewayWith({ production: true });
    try {
      expect((await preflight(`${listed.origin}/graphql`, CONSOLE)).headers.get('access-control-allow-origin')).toBe(CONSOLE);
      const other = await preflight(`${listed.origin}/graphql`, 'http://evil.test');
      expect(other.headers.get('access-control-allow-origin')).toBeNull();
      expect(other.headers.get('access-control-allow-headers')).toBeNull();
      const prod = await preflight(`${production.origin}/graphql`, CONSOLE);
      expect(prod.headers.get('access-control-allow-origin')).toBeNull();
      // The subgraphs answer no CORS at all.
      const sub = await preflight(stack.subgraphs.issues!, CONSOLE);
      expect(sub.headers.get('access-control-allow-origin')).toBeNull();
    } finally {
      await listed.app.close();
      await production.app.close();
    }
  });
});

describe('GraphQL over HTTP: the same refusal in both media types', () => {
  const send = async (accept: string | null, body: unknown, token?: string) => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
    const json = (await res.json()) as any;
    return { status: res.status, type: res.headers.get('content-type'), code: json.errors?.[0]?.extensions?.code as string | undefined, retryAfter: res.headers.get('retry-after') };
  };

  const cases: [string, () => Promise<{ body: unknown; token?: string }>, number][] = [
    ['GRAPHQL_PARSE_FAILED', async () => ({ body: { query: '{ communities { id ' } }), 400],
    ['GRAPHQL_VALIDATION_FAILED', async () => ({ body: { query: '{ communitis { id } }' } }), 400],
    ['BAD_USER_INPUT', async () => ({ body: { query: 'query($n: Int) { issues(first: $n) { totalCount } }', variables: { n: 'many' } } }), 400],
    ['QUERY_TOO_COMPLEX', async () => ({ body: { query: `{ ${Array.from({ length: 40 }, (_, i) => `a${i}: communities { id }`).join(' ')} }` } }), 400],
  ];
  it.each(cases)('%s: 200 with application/json (or no Accept), 400 with graphql-response+json', async (code, make, status) => {
    const { body, token } = await make();
    for (const accept of [null, 'application/json']) expect(await send(accept, body, token)).toMatchObject({ status: 200, code, type: expect.stringMatching(/^application\/json/) });
    expect(await send(GRAPHQL_RESPONSE, body, token)).toMatchObject({ status, code, type: expect.stringMatching(/^application\/graphql-response\+json/) });
    expect(await send(`${GRAPHQL_RESPONSE}, application/json;q=0.9`, body, token)).toMatchObject({ status, code });
  });

  it('RATE_LIMITED: 200 with application/json, 429 with graphql-response+json, Retry-After in both', async () => {
    const resident = await stack.as(['RESIDENT']);
    const body = { query: 'mutation($i: ID!) { supportIssue(issueId: $i) { id } }', variables: { i: issueId } };
    for (let i = 0; i < 30; i++) expect((await send(null, body, resident)).status).toBe(200);
    expect(await send(null, body, resident)).toMatchObject({ status: 200, code: 'RATE_LIMITED', retryAfter: expect.stringMatching(/^\d+$/) });
    expect(await send(GRAPHQL_RESPONSE, body, resident)).toMatchObject({ status: 429, code: 'RATE_LIMITED', retryAfter: expect.stringMatching(/^\d+$/) });
  });

  it('FORBIDDEN and NOT_FOUND from a resolver: 200 in both (the request itself was fine)', async () => {
    const resident = await stack.as(['RESIDENT']);
    const league = { query: `query($s: ID!) { departmentLeague(scope: $s) { totalCount } }`, variables: { s: communityId } };
    const missing = { query: 'mutation { followIssue(issueId: "00000000-0000-4000-8000-000000000000") { id } }' };
    for (const accept of [null, GRAPHQL_RESPONSE]) {
      expect(await send(accept, league, resident)).toMatchObject({ status: 200, code: 'FORBIDDEN' });
      expect(await send(accept, missing, resident)).toMatchObject({ status: 200, code: 'NOT_FOUND' });
    }
  });

  it('a bad token: 200 with application/json, 401 with graphql-response+json; 400 for a body that is not JSON and 413 for an oversized one in both', async () => {
    const forged = await signToken({ sub: 'mallory', roles: ['ADMIN'] }, 'not-the-secret-0123456789abcdef');
    for (const accept of [null, 'application/json']) {
      expect(await send(accept, { query: '{ me { id } }' }, forged)).toMatchObject({ status: 200, code: 'UNAUTHENTICATED', type: expect.stringMatching(/^application\/json/) });
    }
    expect(await send(GRAPHQL_RESPONSE, { query: '{ me { id } }' }, forged)).toMatchObject({
      status: 401,
      code: 'UNAUTHENTICATED',
      type: expect.stringMatching(/^application\/graphql-response\+json/),
    });
    for (const accept of [null, GRAPHQL_RESPONSE]) {
      const broken = await fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) }, body: '{"query": ' });
      expect(broken.status).toBe(400);
      expect(((await broken.json()) as any).errors[0].extensions.code).toBe('BAD_REQUEST');
      const big = await fetch(stack.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) },
        body: JSON.stringify({ query: `{ __typename }`, variables: { x: 'x'.repeat(3 * 2 ** 20) } }),
      });
      await big.arrayBuffer();
      expect(big.status).toBe(413);
    }
  });
});

describe('a failing subgraph', () => {
  let broken: Server;
  let brokenUrl: string;
  beforeAll(async () => {
    // Answers 502 with a body no client should see.
    broken = createServer((_req, res) => {
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end('upstream connect error: postgres://admin:hunter2@10.0.0.5/plaza');
    });
    await new Promise<void>((resolve) => broken.listen(0, '127.0.0.1', resolve));
    brokenUrl = `http://127.0.0.1:${(broken.address() as { port: number }).port}/graphql`;
  });
  afterAll(() => new Promise((resolve) => broken.close(resolve)));

  it("reaches clients as DOWNSTREAM_SERVICE_ERROR with the subgraph's name, never its URL or body", async () => {
    const dead = 'http://127.0.0.1:1/graphql'; // nothing listens on port 1
    for (const issues of [brokenUrl, dead]) {
      const g = await gatewayWith({ subgraphUrls: { ...(stack.subgraphs as Record<string, string>), issues } });
      try {
        for (const accept of [null, GRAPHQL_RESPONSE]) {
          const res = await fetch(`${g.origin}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...(accept ? { accept } : {}) },
            body: JSON.stringify({ query: `query($c: ID!) { community(id: $c) { name issues { totalCount } } }`, variables: { c: communityId } }),
          });
          const text = await res.text();
          expect(res.status).toBe(200);
          const body = JSON.parse(text);
          expect(body.data).toEqual({ community: null });
          expect(body.errors).toHaveLength(1);
          expect(body.errors[0].extensions).toEqual({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'issues' });
          expect(text).not.toMatch(/127\.0\.0\.1|hunter2|postgres|502|ECONNREFUSED/);
        }
      } finally {
        await g.app.close();
      }
    }
  });
});
