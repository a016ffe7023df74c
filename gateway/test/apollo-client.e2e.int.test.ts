import { ApolloClient, ApolloLink, CombinedGraphQLErrors, gql, HttpLink, InMemoryCache, ServerError } from '@apollo/client';
import { GraphQLWsLink } from '@apollo/client/link/subscriptions';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { signToken } from '@plaza/shared';
import { ok, TEST_GATEWAY_SECRET, TEST_JWT_SECRET } from '@plaza/shared/testing';
import { createGatewayServer } from '../src/server';
import { startStack, type Stack } from './stack';

/**
 * Issue 14: a console built on Apollo Client (core, HttpLink and GraphQLWsLink over graphql-ws)
 * sees every refusal's `extensions.code` as a GraphQL error — not a network error that carries
 * only a status — when it sends `application/json`, and with Apollo Client 4's own default Accept
 * (`application/graphql-response+json,application/json;q=0.9`) too. A bad token on the WebSocket
 * ends the subscription at once, with a reason, instead of after graphql-ws' retries.
 */
jest.setTimeout(90_000);

const APPLICATION_JSON = 'application/json';
const ACCEPTS: (string | null)[] = [APPLICATION_JSON, null]; // null: Apollo Client's default

let stack: Stack;
let communityId: string;
let issueId: string;
const clients: ApolloClient[] = [];

beforeAll(async () => {
  stack = await startStack({ bus: 'memory' });
  const admin = await stack.as(['ADMIN']);
  communityId = ok<any>(await stack.request('mutation { createCommunity(input: { name: "控制台社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity.id;
  issueId = ok<any>(
    await stack.request(
      'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
      { i: { communityId, title: '楼道灯坏了', description: '三单元', category: 'SAFETY' } },
      await stack.as(['RESIDENT'], [communityId]),
    ),
  ).raiseIssue.id;
});
afterAll(async () => {
  for (const c of clients.splice(0)) c.stop();
  await stack?.stop();
});

function apollo(url: string, token: string | null, accept: string | null, ws?: ReturnType<typeof createClient>): ApolloClient {
  const http = new HttpLink({ uri: url, headers: { ...(accept ? { accept } : {}), ...(token ? { authorization: `Bearer ${token}` } : {}) } });
  const link = ws ? ApolloLink.split(({ operationType }) => operationType === 'subscription', new GraphQLWsLink(ws), http) : http;
  const c = new ApolloClient({ link, cache: new InMemoryCache() });
  clients.push(c);
  return c;
}

/** What Apollo Client rejected with: the codes when it is a GraphQL error, else how it failed. */
async function refusal(p: Promise<unknown>): Promise<{ graphQL: boolean; codes: string[]; extensions: Record<string, unknown>[]; network?: string }> {
  try {
    await p;
  } catch (e) {
    if (CombinedGraphQLErrors.is(e)) {
      return { graphQL: true, codes: e.errors.map((x) => String(x.extensions?.code)), extensions: e.errors.map((x) => ({ ...x.extensions })) };
    }
    return { graphQL: false, codes: [], extensions: [], network: ServerError.is(e) ? `ServerError ${e.statusCode}` : String(e) };
  }
  throw new Error('expected a refusal, the operation succeeded');
}

describe.each(ACCEPTS)('Apollo Client over HTTP (Accept: %s)', (accept) => {
  it('UNAUTHENTICATED for a bad token', async () => {
    const forged = await signToken({ sub: 'mallory', roles: ['ADMIN'] }, 'not-the-secret-0123456789abcdef');
    const r = await refusal(
      apollo(stack.url, forged, accept).query({
        query: gql`
          {
            me {
              id
            }
          }
        `,
      }),
    );
    expect(r).toMatchObject({ graphQL: true, codes: ['UNAUTHENTICATED'] });
  });

  it('QUERY_TOO_COMPLEX for too many aliases', async () => {
    const q = gql(`{ ${Array.from({ length: 40 }, (_, i) => `a${i}: communities { id }`).join(' ')} }`);
    expect(await refusal(apollo(stack.url, null, accept).query({ query: q }))).toMatchObject({ graphQL: true, codes: ['QUERY_TOO_COMPLEX'] });
  });

  it('BAD_USER_INPUT for a variable that does not coerce', async () => {
    const q = gql`
      query ($n: Int) {
        issues(first: $n) {
          totalCount
        }
      }
    `;
    expect(await refusal(apollo(stack.url, null, accept).query({ query: q, variables: { n: 'many' } }))).toMatchObject({ graphQL: true, codes: ['BAD_USER_INPUT'] });
  });

  it('FORBIDDEN from a resolver', async () => {
    const resident = await stack.as(['RESIDENT'], [communityId]);
    const q = gql`
      query ($s: ID!) {
        departmentLeague(scope: $s) {
          totalCount
        }
      }
    `;
    expect(await refusal(apollo(stack.url, resident, accept).query({ query: q, variables: { s: communityId } }))).toMatchObject({ graphQL: true, codes: ['FORBIDDEN'] });
  });

  it("RATE_LIMITED past a resident's 30 support calls a minute", async () => {
    const resident = await stack.as(['RESIDENT'], [communityId]);
    const c = apollo(stack.url, resident, accept);
    const m = gql`
      mutation ($i: ID!) {
        supportIssue(issueId: $i) {
          id
        }
      }
    `;
    for (let i = 0; i < 30; i++) await c.mutate({ mutation: m, variables: { i: issueId } });
    expect(await refusal(c.mutate({ mutation: m, variables: { i: issueId } }))).toMatchObject({ graphQL: true, codes: ['RATE_LIMITED'] });
  });

  it('DOWNSTREAM_SERVICE_ERROR naming the subgraph that is down', async () => {
    const app = await createGatewayServer({
      subgraphUrls: { ...(stack.subgraphs as Record<string, string>), issues: 'http://127.0.0.1:1/graphql' }, // nothing listens on port 1
      jwtSecret: TEST_JWT_SECRET,
      gatewaySecret: TEST_GATEWAY_SECRET,
    });
    try {
      const url = `http://127.0.0.1:${await app.listen(0)}/graphql`;
      const q = gql`
        query ($c: ID!) {
          community(id: $c) {
            id
            name
            issues {
              totalCount
            }
          }
        }
      `;
      const r = await refusal(apollo(url, null, accept).query({ query: q, variables: { c: communityId } }));
      expect(r).toMatchObject({ graphQL: true, codes: ['DOWNSTREAM_SERVICE_ERROR'] });
      expect(r.extensions[0]).toEqual({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'issues' });
    } finally {
      await app.close();
    }
  });
});

describe('Apollo Client over graphql-ws (GraphQLWsLink, a default graphql-ws client)', () => {
  const ws = (token: string) => createClient({ url: stack.wsUrl, webSocketImpl: WebSocket, connectionParams: { authorization: `Bearer ${token}` } });

  it('a bad token ends the subscription at once with 4401 and a reason (no retries first)', async () => {
    const forged = await signToken({ sub: 'mallory', roles: ['RESIDENT'] }, 'not-the-secret-0123456789abcdef');
    const client = ws(forged);
    const c = apollo(stack.url, forged, APPLICATION_JSON, client);
    const t0 = Date.now();
    // Apollo Client 4 hands a subscription's error to `next` as `{ error }`.
    const err = await new Promise<Error>((resolve, reject) => {
      c.subscribe({
        query: gql`
          subscription {
            myIssueEvents {
              cursor
            }
          }
        `,
      }).subscribe({ next: (r) => (r.error ? resolve(r.error) : reject(new Error('got an event'))), error: resolve });
    });
    expect(Date.now() - t0).toBeLessThan(2000); // graphql-ws retries a 4403 for 30-45 s
    expect(err.message).toMatch(/4401 UNAUTHENTICATED: invalid or expired token/);
    await client.dispose();
  });

  it('a refused subscription is a GraphQL error with its code (FORBIDDEN for staff on myIssueEvents)', async () => {
    const staff = await stack.as(['STAFF'], [communityId]);
    const client = ws(staff);
    const c = apollo(stack.url, staff, APPLICATION_JSON, client);
    const err = await new Promise<unknown>((resolve, reject) => {
      c.subscribe({
        query: gql`
          subscription {
            myIssueEvents {
              cursor
            }
          }
        `,
      }).subscribe({ next: (r) => (r.error ? resolve(r.error) : reject(new Error('got an event'))), error: resolve });
    });
    expect(CombinedGraphQLErrors.is(err) && err.errors.map((e) => e.extensions?.code)).toEqual(['FORBIDDEN']);
    await client.dispose();
  });

  it("a resident follows through HTTP and gets the request's events over the link", async () => {
    const resident = await stack.as(['RESIDENT'], [communityId]);
    const client = ws(resident);
    const c = apollo(stack.url, resident, APPLICATION_JSON, client);
    const got: { kind: string; issueId: string }[] = [];
    const sub = c
      .subscribe({
        query: gql`
          subscription {
            myIssueEvents {
              cursor
              kind
              issueId
            }
          }
        `,
      })
      .subscribe({ next: (r) => r.data && got.push((r.data as any).myIssueEvents) });
    const until = async (cond: () => boolean) => {
      for (let i = 0; i < 300 && !cond(); i++) await new Promise((r) => setTimeout(r, 10));
    };
    await until(() => (stack.gateway.subscriptions?.counters.followLoads ?? 0) > 0 && stack.gateway.subscriptions!.counters.subscribers > 0);
    await c.mutate({
      mutation: gql`
        mutation ($i: ID!) {
          followIssue(issueId: $i) {
            id
          }
        }
      `,
      variables: { i: issueId },
    });
    const staff = await stack.as(['STAFF'], [communityId]);
    ok(await stack.request('mutation($id: ID!) { claimIssue(id: $id, department: "物业") { id } }', { id: issueId }, staff));
    await until(() => got.length > 0);
    expect(got).toEqual([expect.objectContaining({ kind: 'CLAIMED', issueId })]);
    sub.unsubscribe();
    await client.dispose();
  });
});
