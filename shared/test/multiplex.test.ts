import type { Server } from 'node:http';
import { ApolloServer } from '@apollo/server';
import pino from 'pino';
import { createFrameDecoder, encodeFrame, MAX_MULTIPLEX_PARTS, MULTIPLEX_CONTENT_TYPE, MULTIPLEX_HEADER, MultiplexFormatError, readParts, type MultiplexFrame } from '../src/multiplex';
import { closeServer, createHttpServer, listen } from '../src/http';
import { UnauthenticatedError } from '../src/errors';

const frames = (n: number): MultiplexFrame[] =>
  Array.from({ length: n }, (_, i) => ({
    part: i,
    status: i === 1 ? 401 : 200,
    contentType: 'application/json',
    cacheControl: i ? undefined : 'no-store',
    body: JSON.stringify({ data: { 名: '广场夜话\n'.repeat(i + 1) } }),
  }));

describe('multiplex frames', () => {
  it('decodes frames however the bytes are cut into chunks', () => {
    const sent = frames(4);
    const bytes = Buffer.concat(sent.map(encodeFrame));
    for (const size of [1, 2, 7, 64, bytes.length]) {
      const got: MultiplexFrame[] = [];
      const d = createFrameDecoder((f) => got.push(f));
      for (let i = 0; i < bytes.length; i += size) d.push(bytes.subarray(i, i + size));
      d.end();
      expect(got).toEqual(sent);
    }
  });

  it('decodes a large body sent in many small chunks, and refuses a head that never ends', () => {
    const big: MultiplexFrame = { part: 0, status: 200, contentType: 'application/json', cacheControl: undefined, body: JSON.stringify({ data: { 夜话: '诉求'.repeat(100_000) } }) };
    const bytes = Buffer.concat([encodeFrame(big), ...frames(2).map(encodeFrame)]);
    const got: MultiplexFrame[] = [];
    const d = createFrameDecoder((f) => got.push(f));
    for (let i = 0; i < bytes.length; i += 1000) d.push(bytes.subarray(i, i + 1000));
    d.end();
    expect(got).toEqual([big, ...frames(2)]);

    const endless = createFrameDecoder(() => undefined);
    const push = () => {
      for (let i = 0; i < 70; i++) endless.push(Buffer.alloc(1024, 0x61));
    };
    expect(push).toThrow('frame head too long');
  });

  it('refuses a malformed head and a stream that ends inside a frame', () => {
    expect(() => createFrameDecoder(() => undefined).push(Buffer.from('not json\n'))).toThrow(MultiplexFormatError);
    expect(() => createFrameDecoder(() => undefined).push(Buffer.from('{"i":0,"s":200}\n'))).toThrow(MultiplexFormatError);
    const d = createFrameDecoder(() => undefined);
    d.push(encodeFrame(frames(1)[0]!).subarray(0, 30));
    expect(() => d.end()).toThrow(MultiplexFormatError);
  });

  it('reads only arrays of { headers: strings, body: object } up to the part limit', () => {
    const part = { headers: { a: 'b' }, body: { query: '{ a }' } };
    expect(readParts([part, { ...part, body: [{ query: '{ b }' }] }])).toHaveLength(2);
    for (const bad of [[], {}, [{ headers: { a: 1 }, body: {} }], [{ headers: {}, body: 'x' }], [null], Array(MAX_MULTIPLEX_PARTS + 1).fill(part)]) expect(readParts(bad)).toBeNull();
  });
});

/**
 * A real HTTP server on the shared request handler with a tiny schema: `me` answers the viewer the
 * part's own headers named, after `delay` ms; a part naming viewer "bad" is refused by its context.
 */
describe('multiplexed requests on the shared HTTP handler', () => {
  type Ctx = { viewer: string; requestId: string };
  let apollo: ApolloServer<Ctx>;
  let server: Server;
  let plain: Server;
  let url: string;
  let plainUrl: string;
  let resolved = 0;
  const context = async (header: (n: string) => string | undefined, requestId: string): Promise<Ctx> => {
    const viewer = header('x-viewer') ?? 'anonymous';
    if (viewer === 'bad') throw new UnauthenticatedError('bad viewer');
    return { viewer, requestId };
  };
  beforeAll(async () => {
    apollo = new ApolloServer<Ctx>({
      typeDefs: 'type Query { me(delay: Int): String, rid: String }',
      resolvers: {
        Query: {
          me: async (_: unknown, { delay }: { delay?: number }, ctx: Ctx) => {
            resolved++;
            if (delay) await new Promise((r) => setTimeout(r, delay));
            return ctx.viewer;
          },
          rid: (_: unknown, __: unknown, ctx: Ctx) => ctx.requestId,
        },
      },
      allowBatchedHttpRequests: true,
    });
    await apollo.start();
    const log = pino({ level: 'silent' });
    server = createHttpServer<Ctx>({ apollo, log, context: (req, rid) => context((h) => req.headers[h] as string | undefined, rid), multiplex: { context } });
    plain = createHttpServer<Ctx>({ apollo, log, context: (req, rid) => context((h) => req.headers[h] as string | undefined, rid) });
    url = `http://127.0.0.1:${await listen(server, 0)}/graphql`;
    plainUrl = `http://127.0.0.1:${await listen(plain, 0)}/graphql`;
  });
  afterAll(async () => {
    await closeServer(server);
    await closeServer(plain);
    await apollo.stop();
  });

  const multiplexed = async (target: string, parts: unknown) => {
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', [MULTIPLEX_HEADER]: '1' }, body: JSON.stringify(parts) });
    const got: MultiplexFrame[] = [];
    const d = createFrameDecoder((f) => got.push(f));
    d.push(Buffer.from(await res.arrayBuffer()));
    d.end();
    return { status: res.status, contentType: res.headers.get('content-type'), frames: got };
  };

  it('runs each part with its own headers and context, answers it as it finishes, and refuses only the part that is refused', async () => {
    const r = await multiplexed(url, [
      { headers: { 'x-viewer': '居民甲', 'x-request-id': 'r-1' }, body: { query: '{ me(delay: 150) rid }' } },
      { headers: { 'x-viewer': '居民乙' }, body: [{ query: '{ me }' }, { query: '{ a: me }' }] },
      { headers: { 'x-viewer': 'bad' }, body: { query: '{ me }' } },
    ]);
    expect(r.status).toBe(200);
    expect(r.contentType).toContain(MULTIPLEX_CONTENT_TYPE);
    // The slow part comes last: no part waits for another.
    expect(r.frames.map((f) => f.part).sort()).toEqual([0, 1, 2]);
    expect(r.frames[2]!.part).toBe(0);
    const byPart = Object.fromEntries(r.frames.map((f) => [f.part, f]));
    expect(JSON.parse(byPart[0]!.body)).toEqual({ data: { me: '居民甲', rid: 'r-1' } });
    expect(JSON.parse(byPart[1]!.body)).toEqual([{ data: { me: '居民乙' } }, { data: { a: '居民乙' } }]);
    expect(byPart[2]!.status).toBe(401);
    expect(JSON.parse(byPart[2]!.body)).toMatchObject({ errors: [{ extensions: { code: 'UNAUTHENTICATED' } }] });
  });

  it('a part answers exactly what it would have been answered alone', async () => {
    const alone = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-viewer': 'resident-c' }, body: JSON.stringify({ query: '{ me nope }' }) });
    const r = await multiplexed(url, [{ headers: { 'x-viewer': 'resident-c' }, body: { query: '{ me nope }' } }]);
    expect(r.frames[0]!.status).toBe(alone.status);
    expect(r.frames[0]!.body).toBe(await alone.text());
  });

  it('a server without multiplexing, and a body that is not parts, answer 400 and run nothing', async () => {
    const send = (target: string, body: unknown) => fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', [MULTIPLEX_HEADER]: '1' }, body: JSON.stringify(body) });
    const before = resolved;
    const refused = [await send(plainUrl, [{ headers: { 'x-viewer': 'x' }, body: { query: '{ me }' } }]), await send(url, { query: '{ me }' })];
    // Without multiplexing the header means nothing: Apollo reads the parts as a batch of invalid operations.
    expect(refused.map((r) => r.status)).toEqual([400, 400]);
    expect(refused[0]!.headers.get('content-type')).not.toContain(MULTIPLEX_CONTENT_TYPE);
    expect(await refused[1]!.json()).toMatchObject({ errors: [{ extensions: { code: 'BAD_REQUEST' } }] });
    expect(resolved).toBe(before);
  });
});
