import { connect, type Socket } from 'node:net';
import { TEST_GATEWAY_SECRET, TEST_JWT_SECRET } from '@plaza/shared/testing';
import { createGatewayServer, type GatewayApp } from '../src/server';
import { startStack, type Stack } from './stack';

/**
 * A client that trickles a request (headers or body a byte at a time) is cut off with 408 once its
 * time is up, instead of holding a socket for Node's default 5 minutes; a request sent in time and
 * an idle keep-alive socket between requests are untouched. Short limits here; CLIENT_TIMEOUTS in
 * production.
 */
let stack: Stack;
let app: GatewayApp;
let port: number;
const LIMITS = { headersMs: 400, requestMs: 800, checkEveryMs: 100 };

beforeAll(async () => {
  stack = await startStack();
  app = await createGatewayServer({ subgraphUrls: stack.subgraphs as Record<string, string>, jwtSecret: TEST_JWT_SECRET, gatewaySecret: TEST_GATEWAY_SECRET, clientTimeouts: LIMITS });
  port = await app.listen(0);
}, 60_000);

afterAll(async () => {
  await app?.close();
  await stack?.stop();
});

/** A raw socket that keeps everything it is sent, and when it was closed. */
async function open(): Promise<{ socket: Socket; received: () => string; closedAfter: Promise<number> }> {
  const socket = connect(port, '127.0.0.1');
  await new Promise((r) => socket.once('connect', r));
  const started = performance.now();
  let text = '';
  socket.setEncoding('utf8');
  socket.on('data', (c: string) => (text += c));
  socket.on('error', () => undefined);
  const closedAfter = new Promise<number>((r) => socket.once('close', () => r(performance.now() - started)));
  return { socket, received: () => text, closedAfter };
}

const BODY = JSON.stringify({ query: '{ __typename }' });
const request = (body = BODY) => `POST /graphql HTTP/1.1\r\nHost: plaza\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

it('a body trickled a byte at a time is cut off with 408 when the request time is up', async () => {
  const c = await open();
  // 10 bytes a second of a 1,000-byte body: it would take 100 s to arrive.
  c.socket.write('POST /graphql HTTP/1.1\r\nHost: plaza\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
  const drip = setInterval(() => c.socket.writable && c.socket.write(' '), 100);
  try {
    const ms = await c.closedAfter;
    expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
    expect(ms).toBeGreaterThanOrEqual(LIMITS.requestMs - 50);
    expect(ms).toBeLessThan(LIMITS.requestMs + 2_000);
  } finally {
    clearInterval(drip);
  }
});

it('headers that never end are cut off with 408 when the header time is up', async () => {
  const c = await open();
  c.socket.write('POST /graphql HTTP/1.1\r\nHost: plaza\r\nX-Slow: ');
  const ms = await c.closedAfter;
  expect(c.received()).toMatch(/^HTTP\/1\.1 408 /);
  expect(ms).toBeGreaterThanOrEqual(LIMITS.headersMs - 50);
  expect(ms).toBeLessThan(LIMITS.requestMs + 2_000);
});

it('a request sent in time is answered, and its idle keep-alive socket outlives both limits', async () => {
  const c = await open();
  c.socket.write(request());
  await waitFor(() => c.received().includes('"__typename":"Query"'));
  expect(c.received()).toMatch(/^HTTP\/1\.1 200 /);
  await new Promise((r) => setTimeout(r, LIMITS.requestMs * 2));
  expect(c.socket.destroyed).toBe(false);
  const before = c.received().length;
  c.socket.write(request());
  await waitFor(() => c.received().slice(before).includes('"__typename":"Query"'));
  expect(c.received().slice(before)).toMatch(/^HTTP\/1\.1 200 /);
  c.socket.destroy();
});

async function waitFor(cond: () => boolean, ms = 5_000) {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 20));
  }
}
