import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import pino from 'pino';
import { closeServer, createHttpServer, listen, UnauthenticatedError } from '@plaza/shared';
import { createSubgraphFetcher, SubgraphHttpError, type SubgraphCall } from './subgraph-fetcher';

/**
 * Multiplexing against the real server side (@plaza/shared's HTTP handler with Apollo): a tiny
 * schema whose `me` answers the viewer its own call's headers named, after `delay` ms, and whose
 * context refuses the viewer "bad". Every HTTP request reaching the server is counted.
 */
type Ctx = { viewer: string };
let apollo: ApolloServer<Ctx>;
let multiplexing: Server;
let plain: Server;
let url: URL;
let plainUrl: URL;
let httpRequests = 0;
const context = async (header: (n: string) => string | undefined): Promise<Ctx> => {
  const viewer = header('x-plaza-identity') ?? 'anonymous';
  if (viewer === 'bad') throw new UnauthenticatedError('bad viewer');
  return { viewer };
};
beforeAll(async () => {
  apollo = new ApolloServer<Ctx>({
    typeDefs: 'type Query { me(delay: Int): String }',
    resolvers: { Query: { me: async (_: unknown, { delay }: { delay?: number }, ctx: Ctx) => (delay ? new Promise((r) => setTimeout(() => r(ctx.viewer), delay)) : ctx.viewer) } },
    allowBatchedHttpRequests: true,
  });
  await apollo.start();
  const log = pino({ level: 'silent' });
  const fromReq = (req: { headers: Record<string, unknown> }) => context((h) => req.headers[h] as string | undefined);
  multiplexing = createHttpServer<Ctx>({ apollo, log, context: fromReq, multiplex: { context } });
  plain = createHttpServer<Ctx>({ apollo, log, context: fromReq });
  for (const s of [multiplexing, plain]) s.on('request', () => httpRequests++);
  url = new URL(`http://127.0.0.1:${await listen(multiplexing, 0)}/graphql`);
  plainUrl = new URL(`http://127.0.0.1:${await listen(plain, 0)}/graphql`);
});
afterAll(async () => {
  await closeServer(multiplexing);
  await closeServer(plain);
  await apollo.stop();
});
beforeEach(() => (httpRequests = 0));

/** A read by `viewer` within client request `request` (a mutation with `read: false`). */
const call = (query: string, o: { viewer: string; request: string; read?: boolean; to?: URL }): SubgraphCall => {
  const body = JSON.stringify({ query });
  return {
    url: o.to ?? url,
    headers: { 'x-plaza-identity': o.viewer },
    body,
    ...(o.read === false ? {} : { read: { shareKey: `${o.viewer}\n${body}`, batchKey: `${o.viewer}\n${o.request}` } }),
  };
};
const me = (r: { result: Record<string, unknown> }) => r.result;

describe('subgraph fetcher: multiplexing different client requests', () => {
  it("sends the reads of several client requests issued together as one HTTP request, each answered with its own viewer's context", async () => {
    const f = createSubgraphFetcher();
    const answers = await Promise.all([
      f.send(call('{ me }', { viewer: 'v1', request: 'r1' })),
      f.send(call('{ a: me }', { viewer: 'v1', request: 'r1' })),
      f.send(call('{ me }', { viewer: 'v2', request: 'r2' })),
      f.send(call('{ me }', { viewer: 'v3', request: 'r3' })),
    ]);
    expect(answers.map(me)).toEqual([{ data: { me: 'v1' } }, { data: { a: 'v1' } }, { data: { me: 'v2' } }, { data: { me: 'v3' } }]);
    expect(httpRequests).toBe(1);
    expect(f.stats).toMatchObject({ calls: 4, sent: 1, multiplexed: 4, batched: 2 });
    f.close();
  });

  it('a slow call holds back no other, and a refused call fails alone with its own status', async () => {
    const f = createSubgraphFetcher();
    const order: string[] = [];
    const track = (name: string, p: Promise<unknown>) =>
      p.then(
        (v) => (order.push(name), v),
        (e: unknown) => (order.push(name), Promise.reject(e)),
      );
    const settled = await Promise.allSettled([
      track('slow', f.send(call('{ me(delay: 300) }', { viewer: 'v1', request: 'r1' }))),
      track('fast', f.send(call('{ me }', { viewer: 'v2', request: 'r2' }))),
      track('bad', f.send(call('{ me }', { viewer: 'bad', request: 'r3' }))),
    ]);
    expect(httpRequests).toBe(1);
    expect(order[2]).toBe('slow');
    expect(settled[0]).toMatchObject({ status: 'fulfilled', value: { result: { data: { me: 'v1' } } } });
    expect(settled[1]).toMatchObject({ status: 'fulfilled', value: { result: { data: { me: 'v2' } } } });
    expect(settled[2]).toMatchObject({ status: 'rejected', reason: expect.any(SubgraphHttpError) });
    expect((settled[2] as PromiseRejectedResult).reason.status).toBe(401);
    f.close();
  });

  it('a subgraph that does not multiplex gets each request on its own, with the same answers', async () => {
    const f = createSubgraphFetcher();
    const answers = await Promise.all([f.send(call('{ me }', { viewer: 'v1', request: 'r1', to: plainUrl })), f.send(call('{ me }', { viewer: 'v2', request: 'r2', to: plainUrl }))]);
    expect(answers.map(me)).toEqual([{ data: { me: 'v1' } }, { data: { me: 'v2' } }]);
    expect(httpRequests).toBe(3);
    expect(f.stats).toMatchObject({ unmultiplexed: 1, multiplexed: 0 });
    f.close();
  });

  it('never multiplexes mutations, nor anything with multiplex: false', async () => {
    const f = createSubgraphFetcher();
    await Promise.all([f.send(call('{ me }', { viewer: 'v1', request: 'r1', read: false })), f.send(call('{ me }', { viewer: 'v2', request: 'r2', read: false }))]);
    expect(httpRequests).toBe(2);
    const g = createSubgraphFetcher({ multiplex: false });
    await Promise.all([g.send(call('{ me }', { viewer: 'v1', request: 'r1' })), g.send(call('{ me }', { viewer: 'v2', request: 'r2' }))]);
    expect(httpRequests).toBe(4);
    f.close();
    g.close();
  });
});
