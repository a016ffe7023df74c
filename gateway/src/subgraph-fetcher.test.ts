import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { IDENTITY_HEADER } from '@plaza/shared';
import { createSubgraphFetcher } from './subgraph-fetcher';

/** A real HTTP server that answers each request after `delayMs`, counting what reached it. */
let server: Server;
let url: string;
let hits = 0;
beforeAll(async () => {
  server = createServer((req, res) => {
    hits++;
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => setTimeout(() => res.end(JSON.stringify({ data: { echo: body, hit: hits } })), 50));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`;
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => (hits = 0));

const call = (f: ReturnType<typeof createSubgraphFetcher>['fetcher'], query: string, viewer = 'v1') =>
  f(url, { method: 'POST', headers: { 'content-type': 'application/json', [IDENTITY_HEADER]: viewer }, body: JSON.stringify({ query }) }).then((r) => r.json());

describe('subgraph fetcher', () => {
  it('shares one call among identical reads in flight, each waiter getting its own answer', async () => {
    const { fetcher, stats } = createSubgraphFetcher();
    const answers = await Promise.all(Array.from({ length: 5 }, () => call(fetcher, '{ a }')));
    expect(hits).toBe(1);
    expect(stats).toEqual({ sent: 1, shared: 4 });
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0]).not.toBe(answers[1]);
  });

  it('never shares across viewers, across different bodies, or for mutations', async () => {
    const { fetcher } = createSubgraphFetcher();
    await Promise.all([call(fetcher, '{ a }', 'v1'), call(fetcher, '{ a }', 'v2'), call(fetcher, '{ b }', 'v1'), call(fetcher, 'mutation { m }'), call(fetcher, 'mutation { m }')]);
    expect(hits).toBe(5);
  });

  it('with share: false every read goes out', async () => {
    const { fetcher } = createSubgraphFetcher({ share: false });
    await Promise.all(Array.from({ length: 3 }, () => call(fetcher, '{ a }')));
    expect(hits).toBe(3);
  });

  it('does not keep answers: a read after the first finished goes out again', async () => {
    const { fetcher } = createSubgraphFetcher();
    await call(fetcher, '{ a }');
    await call(fetcher, '{ a }');
    expect(hits).toBe(2);
  });
});
