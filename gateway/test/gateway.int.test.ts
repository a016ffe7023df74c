import { errorOf, ok, subgraphRequest, TEST_JWT_SECRET } from '@plaza/shared/testing';
import { signToken } from '@plaza/shared';
import { createGatewayServer } from '../src/server';
import { startStack, type Stack } from './stack';

/**
 * End to end through the gateway: real subgraphs (each package that exists), real Postgres,
 * real HTTP.
 */
let stack: Stack;
let admin: string;
let communityId: string;
const mutationFields = new Set<string>();

beforeAll(async () => {
  // The periodic sweeps' statements (vote closing every second) would land in the SQL-count
  // window of the N+1 test below; nothing here waits on a sweep.
  stack = await startStack({ env: { VOTE_CLOSE_SWEEP_MS: '3600000', OVERDUE_SWEEP_MS: '3600000' } });
  admin = await stack.as(['ADMIN']);
  const intro = ok(await stack.request('{ __schema { mutationType { fields { name } } } }'));
  for (const f of (intro as any).__schema.mutationType.fields) mutationFields.add(f.name);
  const created = ok(
    await stack.request<{ createCommunity: { id: string } }>(
      'mutation($i: CreateCommunityInput!) { createCommunity(input: $i) { id } }',
      { i: { name: '方井社区', subdistrict: '三里河街道' } },
      admin,
    ),
  );
  communityId = created.createCommunity.id;
});

afterAll(async () => {
  await stack?.stop();
});

describe('health', () => {
  it('GET /health answers while the process is alive', async () => {
    const res = await fetch(`${stack.origin}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'ok', service: 'gateway' });
  });

  // This stack's gateway has no bus; the subscription suite checks the counters and latencies with one.
  it('GET /metrics/subscriptions reports the counters and memory', async () => {
    const res = await fetch(`${stack.origin}/metrics/subscriptions?gc=1`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ eventsReceived: expect.any(Number), hydrations: expect.any(Number), deliveries: expect.any(Number) });
    expect(body.rssBytes).toEqual(expect.any(Number));
    expect(body.heapUsedBytes).toEqual(expect.any(Number));
    expect(body.enabled).toBe(false);
    expect(body.latency).toBeUndefined();
  });

  it('GET /ready is 200 when every subgraph is ready', async () => {
    const res = await fetch(`${stack.origin}/ready`);
    const body = (await res.json()) as { subgraphs: Record<string, string> };
    expect(res.status).toBe(200);
    expect(Object.values(body.subgraphs).every((s) => s === 'ready')).toBe(true);
  });

  it('GET /ready is 503 while a subgraph does not answer', async () => {
    const lonely = await createGatewayServer({
      subgraphUrls: { ...(stack.subgraphs as Record<string, string>), sessions: 'http://127.0.0.1:1/graphql' },
      jwtSecret: TEST_JWT_SECRET,
      gatewaySecret: 'irrelevant-for-ready-0123456789',
      readyTimeoutMs: 500,
    });
    const port = await lonely.listen(0);
    try {
      const res = await fetch(`http://127.0.0.1:${port}/ready`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ status: 'not ready', subgraphs: { sessions: 'not ready' } });
    } finally {
      await lonely.close();
    }
  });
});

describe('identity', () => {
  it('answers anonymous public reads', async () => {
    const data = ok(await stack.request('query($id: ID!) { community(id: $id) { name } me { id roles } }', { id: communityId }));
    expect(data).toEqual({ community: { name: '方井社区' }, me: { id: null, roles: [] } });
  });

  it('forwards the verified identity to the subgraphs', async () => {
    const token = await signToken({ sub: 'u-staff', roles: ['STAFF'], communities: [communityId] }, TEST_JWT_SECRET);
    const data = ok(await stack.request('{ me { id roles communityIds } }', {}, token));
    expect(data).toEqual({ me: { id: 'u-staff', roles: ['STAFF'], communityIds: [communityId] } });
  });

  // application/json clients (stack.request sends no Accept) get 200 with the code in `errors`;
  // GraphQL-over-HTTP clients get 401 (README: errors in the shape the client asks for).
  const asGraphQLResponse = (authorization: string) =>
    fetch(stack.url, { method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', authorization }, body: JSON.stringify({ query: '{ me { id } }' }) });

  it('rejects a bad token as UNAUTHENTICATED (401 for graphql-response+json)', async () => {
    const forged = await signToken({ sub: 'mallory', roles: ['ADMIN'] }, 'not-the-secret-0123456789abcdef');
    for (const token of [forged, 'not.a.jwt']) {
      const res = await stack.request('{ me { id } }', {}, token);
      expect(res.status).toBe(200);
      expect(errorOf(res).code).toBe('UNAUTHENTICATED');
      expect((await asGraphQLResponse(`Bearer ${token}`)).status).toBe(401);
    }
  });

  it('rejects an expired token as UNAUTHENTICATED', async () => {
    const expired = await stack.token('u-old', ['ADMIN'], [], -60);
    const res = await stack.request('{ me { id } }', {}, expired);
    expect(res.status).toBe(200);
    expect(errorOf(res).code).toBe('UNAUTHENTICATED');
    expect((await asGraphQLResponse(`Bearer ${expired}`)).status).toBe(401);
  });

  it('rejects an Authorization header that is not a bearer token', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: 'Basic dTE6cHc=' },
      body: JSON.stringify({ query: '{ me { id } }' }),
    });
    expect(errorOf((await res.json()) as any).code).toBe('UNAUTHENTICATED');
    expect((await asGraphQLResponse('Basic dTE6cHc=')).status).toBe(401);
  });

  it('a subgraph rejects a call that skips the gateway (unsigned or forged)', async () => {
    for (const url of Object.values(stack.subgraphs)) {
      const unsigned = await fetch(url!, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ __typename }' }),
      });
      expect(unsigned.status).toBe(401);
      expect(errorOf((await unsigned.json()) as any).code).toBe('UNAUTHENTICATED');
      const forged = await subgraphRequest(url!, '{ __typename }', {}, undefined, 'wrong-gateway-secret-0123456789');
      expect(errorOf(forged).code).toBe('UNAUTHENTICATED');
    }
  });

  it('a role the mutation does not allow is FORBIDDEN, and nothing is written', async () => {
    const staff = await stack.as(['STAFF'], [communityId]);
    const res = await stack.request('mutation { createCommunity(input: { name: "冒名社区", subdistrict: "x" }) { id } }', {}, staff);
    expect(errorOf(res).code).toBe('FORBIDDEN');
    const all = ok(await stack.request<{ communities: { name: string }[] }>('{ communities { name } }'));
    expect(all.communities.map((c) => c.name)).not.toContain('冒名社区');
  });

  it('STAFF of another community gets FORBIDDEN', async () => {
    const other = ok(await stack.request('mutation { createCommunity(input: { name: "别的社区", subdistrict: "三里河街道" }) { id } }', {}, admin)) as { createCommunity: { id: string } };
    const staffElsewhere = await stack.as(['STAFF'], [other.createCommunity.id]);
    const res = await stack.request(
      'mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id } }',
      { i: { communityId, title: '停车难怎么办', venue: '社区文化广场', host: '王书记', scheduledAt: '2030-06-01T11:00:00.000Z' } },
      staffElsewhere,
    );
    expect(errorOf(res).code).toBe('FORBIDDEN');
  });
});

describe('the federated graph', () => {
  it('is composed of all three subgraphs', () => {
    expect(Object.keys(stack.subgraphs)).toEqual(['sessions', 'issues', 'volunteering']);
    for (const m of ['scheduleSession', 'raiseIssue', 'createTeam']) expect(mutationFields.has(m)).toBe(true);
  });

  it('answers one query across all three subgraphs', async () => {
    const staff = await stack.as(['STAFF'], [communityId]);
    ok(await stack.request('mutation($c: ID!) { addGrid(communityId: $c, name: "一网格") { id } }', { c: communityId }, admin));
    const { scheduleSession } = ok(
      await stack.request<{ scheduleSession: { id: string } }>(
        'mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id } }',
        { i: { communityId, title: '加装电梯议事会', venue: '社区文化广场', host: '王书记', scheduledAt: '2030-06-01T11:00:00.000Z' } },
        staff,
      ),
    );
    const { raiseIssue } = ok(
      await stack.request<{ raiseIssue: { id: string } }>(
        'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
        { i: { communityId, sessionId: scheduleSession.id, title: '楼道堆物', description: '三号楼楼道堆满杂物', category: 'ENVIRONMENT_SANITATION' } },
        await stack.as(['RESIDENT']),
      ),
    );
    const { createTeam } = ok(
      await stack.request<{ createTeam: { id: string } }>(
        'mutation($i: CreateTeamInput!) { createTeam(input: $i) { id } }',
        { i: { communityId, name: '银发服务队', kind: 'ELDERLY_CARE', leader: '李阿姨' } },
        staff,
      ),
    );
    ok(await stack.request('mutation($t: ID!, $i: ID!) { assignTeamToIssue(teamId: $t, issueId: $i) { id } }', { t: createTeam.id, i: raiseIssue.id }, staff));

    const data = ok(
      await stack.request<any>(
        `query($id: ID!) { community(id: $id) {
          name grids { name }
          sessions { totalCount edges { node { title
            issues { totalCount edges { node { title category community { name } assistingTeams { name } } } }
          } } }
          volunteerTeams { name kind community { name } }
        } }`,
        { id: communityId },
        staff,
      ),
    );
    expect(data.community).toEqual({
      name: '方井社区',
      grids: [{ name: '一网格' }],
      sessions: {
        totalCount: 1,
        edges: [
          {
            node: {
              title: '加装电梯议事会',
              issues: {
                totalCount: 1,
                edges: [{ node: { title: '楼道堆物', category: 'ENVIRONMENT_SANITATION', community: { name: '方井社区' }, assistingTeams: [{ name: '银发服务队' }] } }],
              },
            },
          },
        ],
      },
      volunteerTeams: [{ name: '银发服务队', kind: 'ELDERLY_CARE', community: { name: '方井社区' } }],
    });
  });

  it('costs the same number of SQL statements for 5 communities as for 25, across subgraphs', async () => {
    // Every per-parent field and entity reference, in all three subgraphs, must be batched.
    const query = `{ communities(subdistrict: "N+1街道") {
      name grids { name community { name } }
      sessions { totalCount edges { node { title } } }
      issues { totalCount edges { node { title } } }
      volunteerTeams { name community { name } }
    } }`;
    const addCommunities = async (n: number) => {
      for (let i = 0; i < n; i++) {
        const c = ok(
          await stack.request<{ createCommunity: { id: string } }>(
            'mutation($i: CreateCommunityInput!) { createCommunity(input: $i) { id } }',
            { i: { name: `社区${Math.random().toString(36).slice(2, 8)}`, subdistrict: 'N+1街道' } },
            admin,
          ),
        );
        const id = c.createCommunity.id;
        ok(await stack.request('mutation($c: ID!) { addGrid(communityId: $c, name: "网格") { id } }', { c: id }, admin));
        const staff = await stack.as(['STAFF'], [id]);
        ok(
          await stack.request(
            'mutation($s: ScheduleSessionInput!, $t: CreateTeamInput!, $i: RaiseIssueInput!) { scheduleSession(input: $s) { id } createTeam(input: $t) { id } raiseIssue(input: $i) { id } }',
            {
              s: { communityId: id, title: '议事', venue: '广场', host: '主持人', scheduledAt: '2030-06-01T11:00:00.000Z' },
              t: { communityId: id, name: '服务队', kind: 'YOUTH_VANGUARD', leader: '队长' },
              i: { communityId: id, title: '路灯不亮', description: '小区南门路灯坏了', category: 'ENVIRONMENT_SANITATION' },
            },
            staff,
          ),
        );
      }
    };
    // The relays publish the mutations' events after commit, with statements of their own: count
    // only once the process is quiet, so the figure is the query's alone.
    const quiet = async () => {
      for (let i = 0; i < 50; i++) {
        stack.counter.reset();
        await new Promise((r) => setTimeout(r, 200));
        if (stack.counter.count === 0) return;
      }
    };
    const measure = async () => {
      // Once to warm the pools: a connection opened for the first time sends statements of its own.
      ok(await stack.request(query));
      await quiet();
      stack.counter.reset();
      ok(await stack.request(query));
      return stack.counter.count;
    };
    await addCommunities(5);
    const five = await measure();
    await addCommunities(20);
    const many = await measure();
    expect(five).toBeGreaterThan(0);
    expect(many).toBe(five);
  });

  it('carries the request id from the client through the gateway', async () => {
    const res = await fetch(stack.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'req-e2e-1' },
      body: JSON.stringify({ query: '{ communities { id } }' }),
    });
    expect(res.headers.get('x-request-id')).toBe('req-e2e-1');
  });
});

describe('introspection over HTTP', () => {
  it('shows the whole client API, the Subscription type served over graphql-ws included', async () => {
    const { __schema } = ok(await stack.request('{ __schema { subscriptionType { name fields { name } } types { name } } }'));
    expect(__schema.subscriptionType.fields.map((f: { name: string }) => f.name).sort()).toEqual(['issueEvents', 'myIssueEvents', 'sessionEvents', 'voteTallies']);
    expect(__schema.types.map((t: { name: string }) => t.name)).toEqual(expect.arrayContaining(['VoteTally', 'SessionEvent', 'Overview']));
  });
});
