import { createServer, type Server } from 'node:http';
import type { Page } from 'playwright-core';
import { TEST_GATEWAY_SECRET, TEST_JWT_SECRET } from '@plaza/shared/testing';
import { createGatewayServer, type GatewayApp } from '../src/server';
import { parseCorsOrigins } from '../src/http/cors';
import { launchChromium } from './browser';
import { startStack, type Stack } from './stack';

/**
 * Issue 14 in a real browser: a console served from its own origin (another port) calls the
 * gateway with a bearer token — the preflight, the call and every refusal's extensions.code are
 * what the page's own fetch sees — and a gateway whose CORS_ORIGINS leaves that origin out is
 * refused by the browser itself.
 */

jest.setTimeout(90_000);

let stack: Stack;
let consoleServer: Server;
let consoleOrigin: string;
let browser: Awaited<ReturnType<typeof launchChromium>>;
let strict: GatewayApp;
let strictUrl: string;
let page: Page;

beforeAll(async () => {
  stack = await startStack();
  // The console's own origin: a page with nothing but a title, on a port of its own.
  consoleServer = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
    res.end('<!doctype html><html lang="zh"><head><title>控制台</title></head><body>console</body></html>');
  });
  await new Promise<void>((r) => consoleServer.listen(0, '127.0.0.1', () => r()));
  consoleOrigin = `http://127.0.0.1:${(consoleServer.address() as { port: number }).port}`;
  strict = await createGatewayServer({
    subgraphUrls: stack.subgraphs as Record<string, string>,
    jwtSecret: TEST_JWT_SECRET,
    gatewaySecret: TEST_GATEWAY_SECRET,
    corsOrigins: parseCorsOrigins('https://only-this-console.example', false),
  });
  strictUrl = `http://127.0.0.1:${await strict.listen(0)}/graphql`;
  browser = await launchChromium();
  page = await browser.context.newPage();
  await page.goto(consoleOrigin);
});

afterAll(async () => {
  await browser?.close();
  await strict?.close();
  await new Promise((r) => consoleServer?.close(r));
  await stack?.stop();
});

/** A console's call, made by the page (so the browser enforces CORS), with a bearer token. */
function call(url: string, query: string, token: string | null, accept = 'application/json') {
  return page.evaluate(
    async ({ url, query, token, accept }) => {
      try {
        const res = await fetch(url, {
          method: 'POST',
          credentials: 'include',
          headers: { 'content-type': 'application/json', accept, ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify({ query }),
        });
        return { status: res.status, body: await res.json(), requestId: res.headers.get('x-request-id') };
      } catch (e) {
        return { failed: String(e) };
      }
    },
    { url, query, token, accept },
  );
}

it('the console on another origin reads through the gateway with its token', async () => {
  const token = await stack.as(['ADMIN']);
  const r = (await call(stack.url, '{ me { roles } communities { id } }', token)) as any;
  expect(r.failed).toBeUndefined();
  expect(r.status).toBe(200);
  expect(r.body.data.me.roles).toEqual(['ADMIN']);
  // Exposed to the page, so a console can quote it when it reports a problem.
  expect(r.requestId).toMatch(/.+/);
});

it('every refusal reaches the page with its extensions.code, in both media types', async () => {
  const deep = `{ ${'communities { sessions { edges { node { community { '.repeat(4)}id${' } } } } }'.repeat(4)} }`;
  for (const accept of ['application/json', 'application/graphql-response+json']) {
    const bad = (await call(stack.url, '{ __typename }', 'not-a-jwt', accept)) as any;
    expect(bad.failed).toBeUndefined();
    expect(bad.body.errors[0].extensions.code).toBe('UNAUTHENTICATED');
    const complex = (await call(stack.url, deep, null, accept)) as any;
    expect(complex.failed).toBeUndefined();
    expect(complex.body.errors[0].extensions.code).toBe('QUERY_TOO_COMPLEX');
    expect(complex.status).toBe(accept === 'application/json' ? 200 : 400);
    const invalid = (await call(stack.url, '{ nope }', null, accept)) as any;
    expect(invalid.body.errors[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  }
});

it('a gateway whose CORS_ORIGINS leaves the console out is refused by the browser', async () => {
  const r = (await call(strictUrl, '{ __typename }', null)) as any;
  expect(r.failed).toMatch(/Failed to fetch|TypeError/);
});
