import { startProcessStack, type ProcessStack } from './process-stack';

/**
 * Issue 11's findings about input that reached the database or crashed a process, each against
 * the real system in separate processes: the request is refused with a stable code, nothing of
 * PostgreSQL or a subgraph's raw answer reaches the client, and every process is still alive.
 */

let stack: ProcessStack;

beforeAll(async () => {
  stack = await startProcessStack();
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

async function post(body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(stack.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let json: any = null;
  try {
    json = JSON.parse(text);
  } catch {
    /* asserted by the caller */
  }
  return { status: res.status, text, json };
}

const codes = (json: any): string[] => (json?.errors ?? []).map((e: any) => e.extensions?.code);
// What must never reach a client: SQL, driver messages, a subgraph's raw reply, stack frames.
const LEAK =
  /invalid input syntax|invalid byte sequence|syntax error at|SELECT |INSERT |duplicate key|violates|QueryFailedError|at .+\.(js|ts):\d+|node_modules|\/work\/|400: Bad Request|fetch failed|ECONNREFUSED/;

function expectClean(r: { status: number; text: string }) {
  expect(r.status).toBeLessThan(500);
  expect(r.text).not.toMatch(LEAK);
  expect(r.text).not.toContain('INTERNAL_SERVER_ERROR');
}

async function expectAllAlive() {
  await new Promise((r) => setTimeout(r, 300));
  for (const p of stack.procs) {
    expect({ label: p.label, alive: p.alive }).toEqual({ label: p.label, alive: true });
    expect({ label: p.label, faults: p.faults() }).toEqual({ label: p.label, faults: [] });
  }
  const ready = await fetch(`${stack.origin}/ready`);
  expect(ready.status).toBe(200);
}

describe('text with NUL or broken UTF-16 is refused at the edge', () => {
  it('a NUL in a search filter variable (finding 1: it stopped every process)', async () => {
    const r = await post({ query: 'query($t:String){ issues(filter:{text:$t}){ totalCount } }', variables: { t: 'a\u0000b' } });
    expectClean(r);
    expect(codes(r.json)).toEqual(['BAD_USER_INPUT']);
    expect(r.json.errors[0].extensions.field).toBe('t');
    await expectAllAlive();
  });

  it('a NUL written into the document as an escape', async () => {
    const r = await post({ query: '{ issues(filter:{text:"a\\u0000b"}){ totalCount } }' });
    expectClean(r);
    expect(codes(r.json)).toEqual(['BAD_USER_INPUT']);
  });

  it('a NUL in a mutation input (finding 8) and a lone surrogate', async () => {
    const token = await stack.token('resident-nul', ['RESIDENT']);
    const auth = { authorization: `Bearer ${token}` };
    for (const title of ['水管\u0000漏水', 'bad \ud800 text']) {
      const r = await post(
        {
          query: 'mutation($i: RaiseIssueInput!){ raiseIssue(input:$i){ id } }',
          variables: { i: { communityId: '00000000-0000-0000-0000-000000000000', title, description: 'x', category: 'OTHER' } },
        },
        auth,
      );
      expectClean(r);
      expect(codes(r.json)).toEqual(['BAD_USER_INPUT']);
    }
    await expectAllAlive();
  });
});

describe('cursors, ids and dates are checked before any SQL', () => {
  it('a crafted cursor (finding 8: PostgreSQL answered the client)', async () => {
    const after = Buffer.from(JSON.stringify(["x' OR 1=1 --", 'x'])).toString('base64url');
    const r = await post({ query: 'query($a:String){ issues(first:2, after:$a){ totalCount edges { cursor } } }', variables: { a: after } });
    expectClean(r);
    expect(codes(r.json)).toEqual(['BAD_USER_INPUT']);
    expect(r.json.errors[0].extensions.field).toBe('after');
  });

  it('a cursor of the right shape for another list', async () => {
    const after = Buffer.from(JSON.stringify([1, 2])).toString('base64url');
    const r = await post({ query: 'query($a:String){ sessions(first:2, after:$a){ totalCount } }', variables: { a: after } });
    expectClean(r);
    expect(codes(r.json)).toEqual(['BAD_USER_INPUT']);
  });

  it('a malformed ID reaches no uuid column', async () => {
    const r = await post({ query: 'query($id:ID!){ issue(id:$id){ id } community(id:$id){ id } }', variables: { id: "1' OR '1'='1" } });
    expectClean(r);
    for (const e of r.json.errors ?? []) expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(e.extensions.code);
  });

  it("a bad Date variable is BAD_USER_INPUT at the gateway, not the subgraph's raw 400", async () => {
    for (const from of ['2025-13-45', 'yesterday', 20250101, '2025-02-29']) {
      const r = await post({
        query: 'query($f:Date!){ issueTrend(bucket: MONTH, from:$f, to:"2025-12-31"){ bucketStart } }',
        variables: { f: from },
      });
      expectClean(r);
      expect(codes(r.json)).toEqual(['BAD_USER_INPUT']);
    }
  });

  it('a bad Date literal fails validation', async () => {
    const r = await post({ query: '{ issueTrend(bucket: MONTH, from:"2025-02-30", to:"2025-12-31"){ bucketStart } }' });
    expectClean(r);
    expect(codes(r.json)).toEqual(['GRAPHQL_VALIDATION_FAILED']);
  });

  it('a bad DateTime variable', async () => {
    const token = await stack.token('staff-dt', ['ADMIN']);
    const r = await post(
      {
        query: 'mutation($at: DateTime!){ scheduleSession(input:{communityId:"00000000-0000-0000-0000-000000000000", title:"t", scheduledAt:$at, venue:"v", host:"h"}){ id } }',
        variables: { at: 'not a time' },
      },
      { authorization: `Bearer ${token}` },
    );
    expectClean(r);
    expect(codes(r.json)).toEqual(['BAD_USER_INPUT']);
  });
});

describe('requests the gateway cannot serve are answered, not 500', () => {
  it('a subscription over POST', async () => {
    const r = await post({ query: 'subscription { issueEvents { cursor } }' });
    expectClean(r);
    expect(r.status).toBe(400);
    expect(codes(r.json)).toEqual(['BAD_REQUEST']);
    expect(r.json.errors[0].message).toMatch(/graphql-ws|WebSocket/);
  });

  it('two operations with an empty operationName', async () => {
    const r = await post({ query: 'query A { __typename } query B { __typename }', operationName: '' });
    expectClean(r);
    expect(r.status).toBe(400);
  });

  it('a body over 2 MiB gets 413, not a reset connection', async () => {
    const r = await post({ query: `{ __typename }`, variables: { pad: 'x'.repeat(3 * 1024 * 1024) } });
    expect(r.status).toBe(413);
    expect(codes(r.json)).toEqual(['BAD_REQUEST']);
  });

  it('every process is still alive and ready', async () => {
    await expectAllAlive();
  });
});
