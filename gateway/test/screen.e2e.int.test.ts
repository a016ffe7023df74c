import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { ok, TEST_GATEWAY_SECRET, TEST_JWT_SECRET } from '@plaza/shared/testing';
import { DEFAULT_REDIS_URL, RedisPubSub } from '@plaza/shared';
import { createGatewayServer, type GatewayApp } from '../src/server';
import { PUBLIC_DIR } from '../src/screen/screen.assets';
import { startStack, type Stack } from './stack';

/**
 * The plaza screen and GraphiQL in a real browser (Debian's chromium, driven by playwright-core)
 * against the real stack: subgraphs publishing to real Redis, a gateway with live subscriptions
 * that this test restarts on the same port to prove the screen recovers by itself.
 */

const CHROMIUM = '/usr/bin/chromium';
const REDIS_URL = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const prefix = `plaza-screen-${randomBytes(4).toString('hex')}`;
const ARTIFACTS = join(__dirname, '..', '..', 'artifacts');

jest.setTimeout(120_000);

let stack: Stack;
let browser: BrowserContext;
let profile: string;
let gateway: { app: GatewayApp; pubsub: RedisPubSub; port: number } | null = null;
let communityId: string;
let sessionId: string;
let staff: string;
let screenToken: string;
const pageErrors: string[] = [];

/** Our own gateway over the stack's subgraphs: subscriptions fed by the same Redis they publish to. */
async function startGateway(port = 0) {
  const pubsub = new RedisPubSub({ url: REDIS_URL, prefix });
  const app = await createGatewayServer({
    subgraphUrls: stack.subgraphs as Record<string, string>,
    jwtSecret: TEST_JWT_SECRET,
    gatewaySecret: TEST_GATEWAY_SECRET,
    subscriptions: { pubsub, keepAliveMs: 2000 },
    screen: { screenToken, publicUrl: null },
    explorer: { enabled: true },
  });
  return { app, pubsub, port: await app.listen(port) };
}

async function stopGateway() {
  if (!gateway) return;
  await gateway.app.close();
  await gateway.pubsub.close();
  gateway = null;
}

const origin = () => `http://127.0.0.1:${gateway!.port}`;

async function raise(title: string, category = 'ENVIRONMENT_SANITATION') {
  const r = ok(
    await stack.request<{ raiseIssue: { id: string } }>(
      'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
      { i: { communityId, sessionId, title, description: `${title}，请社区协调解决`, category, raisedBy: '张阿姨' } },
      await stack.as(['RESIDENT']),
    ),
  );
  return r.raiseIssue.id;
}

async function newPage(): Promise<Page> {
  const page = await browser.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  page.on('console', (m) => {
    // Refused sockets while the gateway is down are expected; anything else is worth seeing.
    if ((m.type() === 'error' || m.type() === 'warning') && !m.text().includes('ERR_CONNECTION_REFUSED')) console.warn(`browser ${m.type()}: ${m.text()}`);
  });
  page.on('response', async (r) => {
    if (r.status() >= 400 && process.env.SCREEN_DEBUG) console.warn(r.url(), r.status(), await r.text().catch(() => ''));
  });
  return page;
}

beforeAll(async () => {
  // Always from the current sources (~1 s): `npm test` does not rebuild this package itself.
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'bundle.mjs')], { stdio: 'pipe' });
  expect(existsSync(join(PUBLIC_DIR, 'screen', 'screen.js'))).toBe(true);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  stack = await startStack({ redisUrl: REDIS_URL, env: { PLAZA_CHANNEL_PREFIX: prefix } });
  const admin = await stack.as(['ADMIN']);
  communityId = ok(await stack.request<{ createCommunity: { id: string } }>('mutation { createCommunity(input: { name: "方井社区", subdistrict: "三里河街道" }) { id } }', {}, admin)).createCommunity
    .id;
  staff = await stack.as(['STAFF'], [communityId]);
  const topic = ok(
    await stack.request<{ proposeTopic: { id: string } }>(
      'mutation($i: ProposeTopicInput!) { proposeTopic(input: $i) { id } }',
      { i: { communityId, title: '老旧小区加装电梯怎么推进', category: 'OLD_COMMUNITY_RENOVATION', source: 'DOOR_TO_DOOR_VISIT' } },
      staff,
    ),
  ).proposeTopic.id;
  ok(await stack.request('mutation($id: ID!) { decideTopic(id: $id, decision: SELECTED) { id } }', { id: topic }, staff));
  sessionId = ok(
    await stack.request<{ scheduleSession: { id: string } }>(
      'mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id } }',
      { i: { communityId, title: '十一月广场夜话', themeId: topic, venue: '社区文化广场', host: '王书记', scheduledAt: new Date().toISOString() } },
      staff,
    ),
  ).scheduleSession.id;
  ok(await stack.request('mutation($id: ID!) { startSession(id: $id) { id } }', { id: sessionId }, staff));
  ok(
    await stack.request(
      'mutation($id: ID!) { recordAttendance(sessionId: $id, input: { residents: 86, partyMembers: 23, cadres: 9, deputies: 3, cppccMembers: 2 }) { id } }',
      { id: sessionId },
      staff,
    ),
  );
  const first = await raise('小区东门电动车充电桩不够用', 'TRAFFIC_PARKING');
  const plan = ok(await stack.request<{ proposePlan: { id: string } }>('mutation($i: ID!) { proposePlan(issueId: $i, summary: "在东门加建充电车棚，物业与居民共担") { id } }', { i: first }, staff))
    .proposePlan.id;
  for (const stance of ['FOR', 'FOR', 'FOR', 'AGAINST', 'ABSTAIN']) {
    ok(await stack.request('mutation($p: ID!, $s: Stance!) { votePlan(planId: $p, stance: $s) { id } }', { p: plan, s: stance }, await stack.as(['RESIDENT'])));
  }
  await raise('3号楼楼道堆物影响消防通道', 'SAFETY');

  screenToken = await stack.token('plaza-screen-1', ['SCREEN'], [], 3600);
  gateway = await startGateway();
  profile = mkdtempSync(join(tmpdir(), 'plaza-chromium-'));
  // A fresh profile per run (playwright passes it as --user-data-dir).
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1600, height: 900 },
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
});

afterAll(async () => {
  await browser?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
  await stopGateway();
  await stack?.stop();
});

describe('the plaza screen', () => {
  let screen: Page;
  const subscribes: { query: string; after: unknown }[] = [];

  beforeAll(async () => {
    screen = await newPage();
    screen.on('websocket', (ws) =>
      ws.on('framesent', ({ payload }) => {
        const m = JSON.parse(String(payload)) as { type: string; payload?: { query: string; variables?: { after?: unknown } } };
        if (m.type === 'subscribe') subscribes.push({ query: m.payload!.query, after: m.payload!.variables?.after ?? null });
      }),
    );
    await screen.goto(`${origin()}/screen?session=${sessionId}`);
    await screen.locator('#status[data-state="live"]').waitFor({ timeout: 15_000 });
  });

  it('shows the session, its theme, attendance, requests and plan bars', async () => {
    expect(await screen.textContent('#theme')).toBe('老旧小区加装电梯怎么推进');
    expect(await screen.textContent('#title')).toBe('十一月广场夜话');
    expect(await screen.textContent('#attendance-total')).toBe('123');
    expect(await screen.textContent('#status-label')).toBe('实时');
    const titles = await screen.locator('#issues .issue-title').allTextContents();
    expect(titles).toEqual(['3号楼楼道堆物影响消防通道', '小区东门电动车充电桩不够用']); // newest first
    expect(await screen.locator('#issues .category').allTextContents()).toEqual(['安全隐患', '交通停车']);
    expect(await screen.locator('.plan .bar.for .bar-count').textContent()).toBe('3');
    expect(await screen.locator('.plan .bar.against .bar-count').textContent()).toBe('1');
    // No personal data on the screen.
    expect(await screen.textContent('body')).not.toContain('张阿姨');
    // The QR code is an SVG drawn by the gateway.
    const qr = await fetch(`${origin()}/screen/qr.svg?session=${sessionId}`);
    expect(qr.headers.get('content-type')).toBe('image/svg+xml');
    expect(await qr.text()).toContain('<svg');
  });

  it('shows a request raised through the API within 2 s', async () => {
    const id = await raise('广场路灯晚上九点就熄灭了', 'PUBLIC_FACILITIES');
    const row = screen.locator(`#issues li[data-issue-id="${id}"]`);
    await row.waitFor({ timeout: 2000 });
    expect(await row.locator('.category').textContent()).toBe('配套设施');
    expect(await row.locator('.issue-status').textContent()).toBe('已提交');
    expect(await screen.locator('#issues .issue-title').first().textContent()).toBe('广场路灯晚上九点就熄灭了');
  });

  it('a support vote from the phone page updates the count on the screen', async () => {
    const id = await raise('希望增设老年助餐点', 'ELDERLY_AND_CHILD_CARE');
    const count = screen.locator(`#issues li[data-issue-id="${id}"] .support-count`);
    await expect(count.textContent({ timeout: 2000 })).resolves.toBe('0');

    const phone = await browser.newPage();
    await phone.setViewportSize({ width: 390, height: 800 });
    const resident = await stack.as(['RESIDENT']);
    await phone.goto(`${origin()}/screen/support?session=${sessionId}#token=${resident}`);
    await phone.locator(`button[data-issue-id="${id}"]`).click();
    await phone.locator(`button[data-issue-id="${id}"].supported`).waitFor({ timeout: 5000 });
    expect(phone.url()).not.toContain('token='); // moved into localStorage
    await phone.close();

    await screen.waitForFunction((sel) => document.querySelector(sel)?.textContent === '1', `#issues li[data-issue-id="${id}"] .support-count`, { timeout: 2000 });
  });

  it("?community= follows the community's live session; a malformed id is a 400", async () => {
    const page = await newPage();
    await page.goto(`${origin()}/screen?community=${communityId}`);
    await page.waitForFunction(() => document.getElementById('title')?.textContent === '十一月广场夜话', undefined, { timeout: 10_000 });
    expect(await page.getAttribute('#qr', 'src')).toBe(`/screen/qr.svg?session=${sessionId}`);
    await page.close();
    expect((await fetch(`${origin()}/screen?session=not-a-uuid`)).status).toBe(400);
  });

  it('the phone page without a token explains how to get one', async () => {
    const phone = await browser.newPage();
    await phone.goto(`${origin()}/screen/support?session=${sessionId}`);
    await phone.evaluate(() => localStorage.clear()); // the browser profile kept the last resident's token
    await phone.reload();
    await phone.locator('#help').waitFor({ state: 'visible' });
    expect(await phone.textContent('#help')).toContain('居民端');
    await phone.close();
  });

  it('reconnects after the gateway restarts and shows a request raised while it was down', async () => {
    const port = gateway!.port;
    const before = subscribes.length;
    await stopGateway();
    await screen.locator('#status[data-state="reconnecting"]').waitFor({ timeout: 10_000 });
    expect(await screen.textContent('#status-label')).toBe('重连中');
    // Raised through the stack's own gateway while ours is down.
    const id = await raise('夜间广场舞音量太大', 'NEIGHBOUR_DISPUTE');
    gateway = await startGateway(port);
    await screen.locator('#status[data-state="live"]').waitFor({ timeout: 20_000 });
    await screen.locator(`#issues li[data-issue-id="${id}"]`).waitFor({ timeout: 5000 });
    // It resubscribed from the cursors it had seen, not from "now".
    const resumed = subscribes.slice(before).find((s) => s.query.includes('issueEvents'));
    expect(resumed?.after).toEqual(expect.any(String));
    // And it is live again: a new request arrives without a reload.
    const after = await raise('小区快递柜不够用', 'PUBLIC_FACILITIES');
    await screen.locator(`#issues li[data-issue-id="${after}"]`).waitFor({ timeout: 2000 });
    mkdirSync(ARTIFACTS, { recursive: true });
    await screen.waitForTimeout(2600); // let the arrival highlight fade
    await screen.screenshot({ path: join(ARTIFACTS, 'screen.png') });
    expect(pageErrors).toEqual([]); // the restart left no uncaught error behind
  });
});

describe('supportIssue rate limit', () => {
  it('answers RATE_LIMITED (429) after 30 support calls a minute from one viewer', async () => {
    const id = await raise('限流测试诉求');
    const resident = await stack.as(['RESIDENT']);
    const call = () =>
      fetch(`${origin()}/graphql`, {
        method: 'POST',
        // The 429 is what GraphQL over HTTP gives a client accepting application/graphql-response+json.
        headers: { accept: 'application/graphql-response+json', 'content-type': 'application/json', authorization: `Bearer ${resident}` },
        body: JSON.stringify({ query: 'mutation($i: ID!) { supportIssue(issueId: $i) { id } }', variables: { i: id } }),
      });
    for (let i = 0; i < 30; i++) expect((await call()).status).toBe(200);
    const res = await call();
    expect(res.status).toBe(429);
    const body = (await res.json()) as { errors: { extensions: { code: string } }[] };
    expect(body.errors[0]!.extensions.code).toBe('RATE_LIMITED');
  });
});

describe('GraphiQL', () => {
  it('loads from the gateway and runs { me { roles } }', async () => {
    const page = await newPage();
    const external: string[] = [];
    page.on('request', (r) => {
      if (!r.url().startsWith(origin()) && !r.url().startsWith('data:') && !r.url().startsWith('ws://127.0.0.1')) external.push(r.url());
    });
    const analyst = await stack.as(['ANALYST']);
    await page.goto(`${origin()}/graphiql?query=${encodeURIComponent('{ me { roles } }')}#token=${analyst}`);
    await page.locator('.graphiql-execute-button').click({ timeout: 15_000 });
    await page.waitForFunction(() => document.querySelector('.result-window')?.textContent?.includes('ANALYST'), undefined, { timeout: 10_000 });
    expect(external).toEqual([]);
    await page.close();
  });
});
