import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSubgraphFetcher, SubgraphHttpError, type SubgraphCall } from './subgraph-fetcher';

/**
 * A real HTTP server that answers after 50 ms, recording every body that reached it. It answers
 * a JSON array as Apollo Server does (an array of results, one status for the whole batch): the
 * query "refused" gets 400 for the whole HTTP request, "boom" a GraphQL error with 200.
 */
let server: Server;
let url: URL;
let bodies: string[] = [];
const answer = (query: string, i: number) => (query === 'boom' ? { data: null, errors: [{ message: 'boom' }] } : { data: { echo: query, hit: bodies.length, i } });
beforeAll(async () => {
  server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      bodies.push(body);
      const parsed = JSON.parse(body) as { query: string } | { query: string }[];
      const ops = Array.isArray(parsed) ? parsed : [parsed];
      const refused = ops.some((o) => o.query === 'refused');
      const results = ops.map((o, i) => (o.query === 'refused' ? { errors: [{ message: 'refused' }] } : answer(o.query, i)));
      setTimeout(() => {
        res.writeHead(refused ? 400 : 200, { 'content-type': 'application/json' });
        res.end(JSON.stringify(Array.isArray(parsed) ? results : results[0]));
      }, 50);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}/graphql`);
});
afterAll(() => new Promise((r) => server.close(r)));
beforeEach(() => (bodies = []));

/** A read of `query` by `viewer` within client request `request`; `read: false` is a mutation. */
const call = (query: string, o: { viewer?: string; request?: string; read?: boolean } = {}): SubgraphCall => {
  const body = JSON.stringify({ query });
  const viewer = o.viewer ?? 'v1';
  return {
    url,
    headers: { 'x-plaza-identity': viewer },
    body,
    ...(o.read === false ? {} : { read: { shareKey: `${viewer}\n${body}`, batchKey: `${viewer}\n${o.request ?? 'r1'}` } }),
  };
};

describe('subgraph fetcher: sharing', () => {
  it('shares one answer among identical reads in flight, each waiter getting its own copy', async () => {
    const f = createSubgraphFetcher({ batch: false });
    const answers = await Promise.all(Array.from({ length: 5 }, () => f.send(call('{ a }', { request: 'same' }))));
    expect(bodies).toHaveLength(1);
    expect(f.stats).toMatchObject({ calls: 5, sent: 1, shared: 4 });
    expect(new Set(answers.map((a) => JSON.stringify(a.result))).size).toBe(1);
    expect(answers[0]!.result).not.toBe(answers[1]!.result);
    f.close();
  });

  it('never shares across viewers, across different bodies, or for mutations', async () => {
    const f = createSubgraphFetcher({ batch: false });
    await Promise.all([
      f.send(call('{ a }', { viewer: 'v1' })),
      f.send(call('{ a }', { viewer: 'v2' })),
      f.send(call('{ b }', { viewer: 'v1' })),
      f.send(call('mutation { m }', { read: false })),
      f.send(call('mutation { m }', { read: false })),
    ]);
    expect(bodies).toHaveLength(5);
    f.close();
  });

  it('with share: false every read goes out; a read after the first finished goes out again', async () => {
    const f = createSubgraphFetcher({ share: false, batch: false });
    await Promise.all(Array.from({ length: 3 }, () => f.send(call('{ a }'))));
    expect(bodies).toHaveLength(3);
    const g = createSubgraphFetcher();
    await g.send(call('{ a }'));
    await g.send(call('{ a }'));
    expect(bodies).toHaveLength(5);
    f.close();
    g.close();
  });
});

describe('subgraph fetcher: batching', () => {
  it("sends one request's reads issued together as one JSON array and hands each its own result", async () => {
    const f = createSubgraphFetcher();
    const [a, b, c] = await Promise.all([f.send(call('{ a }')), f.send(call('{ b }')), f.send(call('{ c }'))]);
    expect(bodies).toEqual([JSON.stringify([{ query: '{ a }' }, { query: '{ b }' }, { query: '{ c }' }])]);
    expect([a!.result, b!.result, c!.result]).toEqual([0, 1, 2].map((i) => ({ data: { echo: ['{ a }', '{ b }', '{ c }'][i], hit: 1, i } })));
    expect(f.stats).toMatchObject({ calls: 3, sent: 1, batched: 3 });
    f.close();
  });

  it('keeps requests, viewers and mutations apart, and a lone read goes as a plain body', async () => {
    const f = createSubgraphFetcher({ multiplex: false });
    await Promise.all([
      f.send(call('{ a }', { request: 'r1' })),
      f.send(call('{ b }', { request: 'r2' })),
      f.send(call('{ c }', { viewer: 'v2', request: 'r1' })),
      f.send(call('mutation { m }', { read: false })),
      f.send(call('mutation { n }', { read: false })),
    ]);
    expect(bodies).toHaveLength(5);
    expect(bodies.every((b) => !b.startsWith('['))).toBe(true);
    f.close();
  });

  it('gives each operation its own error: a GraphQL error stays its own, a batch refused as a whole is sent again one by one', async () => {
    const f = createSubgraphFetcher();
    const [ok, boom] = await Promise.all([f.send(call('{ a }')), f.send(call('boom'))]);
    expect(bodies).toHaveLength(1);
    expect(ok!.result).toMatchObject({ data: { echo: '{ a }' } });
    expect(boom!.result).toEqual({ data: null, errors: [{ message: 'boom' }] });

    bodies = [];
    const settled = await Promise.allSettled([f.send(call('{ a }')), f.send(call('refused')), f.send(call('{ b }'))]);
    // The batch (400 for all), then each alone: only the refused one fails, with its own status.
    expect(bodies).toHaveLength(4);
    expect(settled.map((s) => s.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((settled[1] as PromiseRejectedResult).reason).toBeInstanceOf(SubgraphHttpError);
    expect((settled[1] as PromiseRejectedResult).reason.status).toBe(400);
    expect((settled[2] as PromiseFulfilledResult<{ result: unknown }>).value.result).toMatchObject({ data: { echo: '{ b }' } });
    f.close();
  });

  it('with batch: false each read goes alone', async () => {
    const f = createSubgraphFetcher({ batch: false });
    await Promise.all([f.send(call('{ a }')), f.send(call('{ b }'))]);
    expect(bodies).toHaveLength(2);
    f.close();
  });
});

describe('subgraph fetcher: keep-alive sockets', () => {
  /**
   * A server that answers the first request on each socket and closes the socket when a second
   * one arrives on it, without answering: what a subgraph closing an idle socket at the moment
   * the gateway reuses it looks like to the gateway.
   */
  let closing: Server;
  let closingUrl: URL;
  let received: string[] = [];
  beforeAll(async () => {
    const served = new WeakSet<object>();
    closing = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        received.push(body);
        if (served.has(req.socket)) return void req.socket.destroy();
        served.add(req.socket);
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ data: { ok: true } }));
      });
    });
    await new Promise<void>((r) => closing.listen(0, '127.0.0.1', r));
    closingUrl = new URL(`http://127.0.0.1:${(closing.address() as AddressInfo).port}/graphql`);
  });
  afterAll(() => new Promise((r) => closing.close(r)));
  beforeEach(() => (received = []));

  it('sends a read again on a fresh socket when its reused socket is reset', async () => {
    const f = createSubgraphFetcher();
    await f.send({ ...call('{ a }', { request: 'k1' }), url: closingUrl });
    const again = await f.send({ ...call('{ a }', { request: 'k2' }), url: closingUrl });
    expect(again.result).toEqual({ data: { ok: true } });
    expect(received).toHaveLength(3);
    expect(f.stats.retried).toBe(1);
    f.close();
  });

  it('never sends a mutation twice: its reset reaches the caller', async () => {
    const f = createSubgraphFetcher();
    await f.send({ ...call('mutation { m }', { read: false }), url: closingUrl });
    await expect(f.send({ ...call('mutation { m }', { read: false }), url: closingUrl })).rejects.toMatchObject({ code: 'ECONNRESET' });
    expect(received).toHaveLength(2);
    expect(f.stats.retried).toBe(0);
    f.close();
  });

  it("closes an idle socket before the server's announced keep-alive timeout", async () => {
    // Keep-Alive: timeout=2, so the agent should let a socket idle 1 s at most.
    const sockets: unknown[] = [];
    const short = createServer((req, res) => {
      if (!sockets.includes(req.socket)) sockets.push(req.socket);
      req.resume().on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end('{"data":{}}'));
    });
    short.keepAliveTimeout = 2000;
    await new Promise<void>((r) => short.listen(0, '127.0.0.1', r));
    const shortUrl = new URL(`http://127.0.0.1:${(short.address() as AddressInfo).port}/graphql`);
    const f = createSubgraphFetcher();
    await f.send({ ...call('mutation { m }', { read: false }), url: shortUrl });
    await f.send({ ...call('mutation { m }', { read: false }), url: shortUrl });
    expect(sockets).toHaveLength(1);
    await new Promise((r) => setTimeout(r, 1300));
    await f.send({ ...call('mutation { m }', { read: false }), url: shortUrl });
    expect(sockets).toHaveLength(2);
    f.close();
    await new Promise((r) => short.close(r));
  });
});
