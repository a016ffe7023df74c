import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { errorOf, ok, TEST_GATEWAY_SECRET, TEST_JWT_SECRET } from '@plaza/shared/testing';
import { DEFAULT_REDIS_URL, RedisPubSub } from '@plaza/shared';
import { createGatewayServer, type GatewayApp } from '../src/server';
import { PUBLIC_DIR } from '../src/screen/screen.assets';
import { axeSerious, CHROMIUM, launchChromium, screenshot } from './browser';
import { startStack, type Stack } from './stack';

/**
 * Issue 13 — the plaza evening end to end, in real Chromium against the real stack (subgraphs
 * publishing to real Redis, the issues service's own vote-closing sweep): a community screen
 * switched on before anything is scheduled follows the evening by itself — waiting view with the
 * loop's results, the session appearing when scheduled, LIVE when started, requests and plan votes
 * opened and closed from another client, the summary when it ends — and every state (also token
 * rejected and gateway unreachable) has a designed look with no serious or critical axe finding.
 * Screenshots of each state go to artifacts/screen-<state>.png.
 */

const REDIS_URL = process.env.REDIS_URL ?? DEFAULT_REDIS_URL;
const prefix = `plaza-evening-${randomBytes(4).toString('hex')}`;

jest.setTimeout(180_000);

let stack: Stack;
let browser: { context: BrowserContext; close(): Promise<void> };
let gateway: { app: GatewayApp; pubsub: RedisPubSub; port: number } | null = null;
let communityId: string;
let staff: string;
let screenToken: string;
const pageErrors: string[] = [];

const origin = () => `http://127.0.0.1:${gateway!.port}`;
const gqlOk = async <T = any>(query: string, variables: Record<string, unknown> = {}, token?: string): Promise<T> => ok(await stack.request<T>(query, variables, token ?? staff));

async function raise(title: string, category: string, sessionId: string | null = null) {
  const r = await gqlOk<{ raiseIssue: { id: string } }>(
    'mutation($i: RaiseIssueInput!) { raiseIssue(input: $i) { id } }',
    { i: { communityId, sessionId, title, description: `${title}，请社区协调解决`, category, raisedBy: '刘大爷' } },
    await stack.as(['RESIDENT']),
  );
  return r.raiseIssue.id;
}

async function newPage(): Promise<Page> {
  const page = await browser.context.newPage();
  page.on('pageerror', (e) => pageErrors.push(e.message));
  return page;
}

async function expectAccessible(page: Page) {
  await page.waitForTimeout(2700); // let arrival highlights finish: axe measures the colours it sees
  expect(await axeSerious(page)).toEqual([]);
}

beforeAll(async () => {
  execFileSync(process.execPath, [join(__dirname, '..', 'scripts', 'bundle.mjs')], { stdio: 'pipe' });
  expect(existsSync(join(PUBLIC_DIR, 'screen', 'screen.js'))).toBe(true);
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium (.ci/run does this)`);
  stack = await startStack({ redisUrl: REDIS_URL, env: { PLAZA_CHANNEL_PREFIX: prefix, VOTE_CLOSE_SWEEP_MS: '300' } });
  const admin = await stack.as(['ADMIN']);
  communityId = ok(await stack.request<{ createCommunity: { id: string } }>('mutation { createCommunity(input: { name: "宋城美域", subdistrict: "阜安街道" }) { id } }', {}, admin)).createCommunity.id;
  staff = await stack.as(['STAFF'], [communityId]);

  // The loop's history, as a screen switched on before the evening should show it.
  const onSite = await raise('东门电动车充电难', 'TRAFFIC_PARKING');
  await gqlOk('mutation($id: ID!) { resolveOnSite(id: $id, note: "物业当场同意建棚", outcomes: [{ kind: CHARGING_SHED, quantity: 5, note: "东门" }]) { id } }', { id: onSite });
  const looped = await raise('3号楼下水道返味', 'ENVIRONMENT_SANITATION');
  const due = new Date(Date.now() + 7 * 86400_000).toISOString().slice(0, 10);
  await gqlOk('mutation($id: ID!) { claimIssue(id: $id, department: "社区环卫办") { id } }', { id: looped });
  await gqlOk('mutation($id: ID!, $d: Date!) { addLedgerEntry(issueId: $id, input: { measure: "疏通主管道", responsiblePerson: "张师傅", responsibleUnit: "市政养护公司", deadline: $d }) { id } }', {
    id: looped,
    d: due,
  });
  await gqlOk('mutation($id: ID!) { completeLedgerEntry(id: $id) { id } }', {
    id: (await gqlOk<{ issue: { ledger: { id: string }[] } }>('query($id: ID!) { issue(id: $id) { ledger { id } } }', { id: looped })).issue.ledger[0]!.id,
  });
  await gqlOk('mutation($id: ID!) { giveFeedback(issueId: $id, text: "已疏通，请查看") { id } }', { id: looped });
  await gqlOk('mutation($id: ID!) { evaluateIssue(issueId: $id, input: { satisfied: true, rating: 5, comment: "满意" }) { id } }', { id: looped });
  const working = await raise('小区北侧路灯不亮', 'PUBLIC_FACILITIES');
  await gqlOk('mutation($id: ID!) { claimIssue(id: $id, department: "社区物业办") { id } }', { id: working });
  await gqlOk(
    'mutation($id: ID!, $d: Date!) { addLedgerEntry(issueId: $id, input: { measure: "更换北侧路灯 12 盏", responsiblePerson: "李工", responsibleUnit: "城市照明所", deadline: $d }) { id } }',
    { id: working, d: due },
  );

  screenToken = await stack.token('plaza-screen-1', ['SCREEN'], [], 3600);
  const pubsub = new RedisPubSub({ url: REDIS_URL, prefix });
  const app = await createGatewayServer({
    subgraphUrls: stack.subgraphs as Record<string, string>,
    jwtSecret: TEST_JWT_SECRET,
    gatewaySecret: TEST_GATEWAY_SECRET,
    subscriptions: { pubsub, keepAliveMs: 2000 },
    screen: { screenToken, publicUrl: null },
  });
  gateway = { app, pubsub, port: await app.listen(0) };
  browser = await launchChromium();
});

afterAll(async () => {
  await browser?.close();
  if (gateway) {
    await gateway.app.close();
    await gateway.pubsub.close();
  }
  await stack?.stop();
});

describe('a community screen, all evening, unattended', () => {
  let screen: Page;
  let sessionId: string;

  beforeAll(async () => {
    screen = await newPage();
    await screen.goto(`${origin()}/screen?community=${communityId}`);
    await screen.locator('#status[data-state="live"]').waitFor({ timeout: 15_000 });
    // Proof that nothing below reloads the page: this mark would be gone.
    await screen.evaluate(() => ((window as unknown as { mark: number }).mark = 42));
  });

  const stillSamePage = async () => expect(await screen.evaluate(() => (window as unknown as { mark?: number }).mark)).toBe(42);

  it('before anything is scheduled: a waiting view with what came of recent requests, open ledger entries and the month', async () => {
    await screen.locator('body[data-view="evening"] #evening-hero[data-kind="none"]').waitFor({ timeout: 10_000 });
    expect(await screen.textContent('#evening-title')).toBe('本社区暂无进行中或即将开始的夜话');
    expect(await screen.textContent('header .community')).toBe('阜安街道 · 宋城美域');
    const results = await screen.locator('#resolved .result').allTextContents();
    expect(results.join('\n')).toContain('东门电动车充电难');
    expect(results.join('\n')).toContain('建充电车棚 ×5');
    expect(results.join('\n')).toContain('满意 ★★★★★');
    const ledger = await screen.locator('#ledger .ledger').allTextContents();
    expect(ledger).toEqual([expect.stringContaining('更换北侧路灯 12 盏')]);
    expect(ledger[0]).toContain('城市照明所');
    expect(await screen.textContent('#month-resolved')).toBe('2');
    // No stuck loader, no QR image without a source, nothing personal.
    expect(await screen.textContent('body')).not.toContain('正在加载');
    expect(await screen.textContent('body')).not.toContain('刘大爷');
    expect(await screen.locator('img:visible').count()).toBe(0);
    await expectAccessible(screen);
    await screenshot(screen, 'none');
  });

  it('a session scheduled from another client appears without a reload, with a countdown', async () => {
    sessionId = (
      await gqlOk<{ scheduleSession: { id: string } }>('mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id } }', {
        i: { communityId, title: '十二月广场夜话', venue: '宋城美域中心广场', host: '赵书记', scheduledAt: new Date(Date.now() + 2 * 3600_000 + 5 * 60_000).toISOString() },
      })
    ).scheduleSession.id;
    await screen.locator('#evening-hero[data-kind="planned"]').waitFor({ timeout: 5000 });
    expect(await screen.textContent('#evening-title')).toBe('十二月广场夜话');
    expect(await screen.textContent('#evening-hero')).toContain('宋城美域中心广场');
    expect(await screen.textContent('#evening-hero')).toContain('赵书记');
    expect(await screen.textContent('.evening-meta')).toMatch(/时间 \d+月\d+日 周. \d\d:\d\d/);
    expect(await screen.textContent('#countdown')).toMatch(/^02:0[45]:\d\d$/);
    await stillSamePage();
    await expectAccessible(screen);
    await screenshot(screen, 'planned');
  });

  it('started, it goes LIVE by itself; requests and plan votes opened and closed from another client show', async () => {
    await gqlOk('mutation($id: ID!) { startSession(id: $id) { id } }', { id: sessionId });
    await screen.locator('body[data-view="live"]').waitFor({ timeout: 5000 });
    expect(await screen.textContent('#title')).toBe('十二月广场夜话');
    expect(await screen.getAttribute('#qr', 'src')).toBe(`/screen/qr.svg?session=${sessionId}`);
    await gqlOk('mutation($id: ID!) { recordAttendance(sessionId: $id, input: { residents: 64, partyMembers: 12, cadres: 6, deputies: 2, cppccMembers: 1 }) { id } }', { id: sessionId });
    await screen.waitForFunction(() => document.getElementById('attendance-total')?.textContent === '85', undefined, { timeout: 5000 });

    const issue = await raise('广场健身器材损坏', 'PUBLIC_FACILITIES', sessionId);
    await screen.locator(`#issues li[data-issue-id="${issue}"]`).waitFor({ timeout: 3000 });
    const timed = (await gqlOk<{ proposePlan: { id: string } }>('mutation($i: ID!) { proposePlan(issueId: $i, summary: "由物业更换器材，街道补贴一半") { id } }', { i: issue })).proposePlan.id;
    const manual = (await gqlOk<{ proposePlan: { id: string } }>('mutation($i: ID!) { proposePlan(issueId: $i, summary: "拆除损坏器材，改建休息座椅") { id } }', { i: issue })).proposePlan.id;
    const closesAt = new Date(Date.now() + 9000).toISOString();
    await gqlOk('mutation($p: ID!, $at: DateTime) { openPlanVote(planId: $p, closesAt: $at) { id } }', { p: timed, at: closesAt });
    const stances = ['FOR', 'FOR', 'AGAINST'];
    for (const s of stances) await gqlOk('mutation($p: ID!, $s: Stance!) { votePlan(planId: $p, stance: $s) { id } }', { p: timed, s }, await stack.as(['RESIDENT']));
    await gqlOk('mutation($p: ID!) { votePlan(planId: $p, stance: FOR) { id } }', { p: manual }, await stack.as(['RESIDENT']));
    const plan = screen.locator(`.plan[data-plan-id="${timed}"]`);
    await screen.waitForFunction((sel) => document.querySelector(sel)?.textContent === '3', `.plan[data-plan-id="${timed}"] .votes-cast`, { timeout: 3000 });
    expect(await plan.locator('.bar.for .bar-count').textContent()).toBe('2');
    // Both plans fit whole on a 1600×900 screen (a plan that does not is hidden and counted, never cut).
    expect(await screen.locator('.plan:visible').count()).toBe(2);
    expect(await plan.locator('.plan-status').textContent()).toMatch(/^表决中 · 剩 00:00:0\d$/);

    // A second screen switched on mid-vote is right at once.
    const late = await newPage();
    await late.goto(`${origin()}/screen?session=${sessionId}`);
    await late.waitForFunction((sel) => document.querySelector(sel)?.textContent === '3', `.plan[data-plan-id="${timed}"] .votes-cast`, { timeout: 5000 });
    await late.close();

    // A busy plaza: more requests than the list can hold. The ones that do not fit whole are
    // hidden and counted; no visible card runs past its panel (the plaza screen cannot scroll).
    for (let n = 1; n <= 12; n++) await raise(`楼道照明第 ${n} 处不亮`, 'PUBLIC_FACILITIES', sessionId);
    await screen.waitForFunction(() => document.getElementById('issue-count')?.textContent === '13', undefined, { timeout: 5000 });
    expect(await screen.textContent('#issues .more')).toMatch(/^另有 \d+ 条诉求$/);
    const overflow = await screen.evaluate(() =>
      ['issues', 'plans'].flatMap((id) => {
        const box = document.getElementById(id)!.getBoundingClientRect();
        return Array.from(document.getElementById(id)!.children)
          .filter((k) => !(k as HTMLElement).hidden)
          .filter((k) => k.getBoundingClientRect().bottom > box.bottom + 0.5)
          .map((k) => `${id}: ${k.textContent}`);
      }),
    );
    expect(overflow).toEqual([]);

    await expectAccessible(screen);
    await screenshot(screen, 'live');

    // Staff close one vote by hand; the other closes by itself at closesAt.
    await gqlOk('mutation($p: ID!) { closePlanVote(planId: $p) { id } }', { p: manual });
    await screen.waitForFunction((sel) => document.querySelector(sel)?.textContent?.startsWith('表决结束'), `.plan-status[data-plan-id="${manual}"]`, { timeout: 3000 });
    await screen.waitForFunction((sel) => document.querySelector(sel)?.textContent === '表决结束 · 赞成多数', `.plan-status[data-plan-id="${timed}"]`, { timeout: 15_000 });
    expect(await plan.getAttribute('data-vote-open')).toBe('false');
    const late2 = errorOf(await stack.request('mutation($p: ID!) { votePlan(planId: $p, stance: AGAINST) { id } }', { p: timed }, await stack.as(['RESIDENT'])));
    expect(late2.code).toBe('CONFLICT');
    const closedEvents = ok(
      await stack.request<{ issue: { timeline: { edges: { node: { kind: string } }[] } } }>(
        'query($id: ID!) { issue(id: $id) { timeline(first: 100) { edges { node { kind } } } } }',
        { id: issue },
        staff,
      ),
    ).issue.timeline.edges.filter((e) => e.node.kind === 'PLAN_VOTE_CLOSED');
    expect(closedEvents).toHaveLength(2);
    await stillSamePage();
    await screenshot(screen, 'vote-closed');
  });

  it("ended, it shows the session's summary by itself", async () => {
    await gqlOk('mutation($id: ID!) { closeSession(id: $id, minutes: "议定更换健身器材，物业一周内完成") { id } }', { id: sessionId });
    await screen.locator('body[data-view="evening"] #evening-hero[data-kind="ended"]').waitFor({ timeout: 5000 });
    expect(await screen.textContent('#evening-title')).toBe('十二月广场夜话');
    const summary = await screen.locator('#summary .stat').allTextContents();
    expect(summary).toEqual(['85人参与', '13条诉求', '0件现场解决', '0项方案通过']);
    expect(await screen.textContent('#evening-hero')).toContain('议定更换健身器材');
    await stillSamePage();
    await expectAccessible(screen);
    await screenshot(screen, 'ended');
    expect(pageErrors).toEqual([]);
  });
});

describe("states that are not the evening's", () => {
  it('a rejected token: says so, in its own designed view', async () => {
    const page = await newPage();
    await page.goto(`${origin()}/screen?community=${communityId}#token=not-a-jwt`);
    await page.locator('body[data-view="denied"]').waitFor({ timeout: 10_000 });
    expect(await page.textContent('#notice-title')).toBe('大屏凭证无效或已过期');
    await expectAccessible(page);
    await screenshot(page, 'denied');
    await page.close();
  });

  it('the gateway unreachable: an offline view that recovers by itself', async () => {
    const page = await newPage();
    await page.route('**/graphql', (r) => r.abort('connectionrefused'));
    await page.goto(`${origin()}/screen?community=${communityId}`);
    await page.locator('body[data-view="offline"]').waitFor({ timeout: 10_000 });
    expect(await page.textContent('#notice-title')).toBe('暂时连不上服务器');
    expect(await page.textContent('#status-label')).toBe('重连中');
    await expectAccessible(page);
    await screenshot(page, 'offline');
    await page.unroute('**/graphql');
    await page.locator('body[data-view="evening"]').waitFor({ timeout: 10_000 });
    await page.close();
  });

  it('queries failing while the screen shows data: keeps it, lights 重连中 with a banner, and comes back by itself', async () => {
    const page = await newPage();
    await page.goto(`${origin()}/screen?community=${communityId}`);
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 10_000 });
    const title = await page.textContent('#evening-title');
    await page.route('**/graphql', (r) => r.abort('connectionrefused')); // HTTP only: the socket stays up
    await raise('小区门口积水', 'ENVIRONMENT_SANITATION'); // an event: the waiting view reloads its results
    await page.locator('#status[data-state="reconnecting"]').waitFor({ timeout: 10_000 });
    expect(await page.textContent('#banner')).toMatch(/^连接中断，正在自动重连 · 显示的是 \d\d:\d\d 的内容$/);
    expect(await page.textContent('#evening-title')).toBe(title);
    await screenshot(page, 'stale');
    await page.unroute('**/graphql');
    await page.locator('#status[data-state="live"]').waitFor({ timeout: 10_000 });
    expect(await page.isHidden('#banner')).toBe(true);
    await page.close();
  });

  it('no ?community= or ?session=: a setup view', async () => {
    const page = await newPage();
    await page.goto(`${origin()}/screen`);
    await page.locator('body[data-view="setup"]').waitFor({ timeout: 5000 });
    await expectAccessible(page);
    await page.close();
  });

  it('the phone support page passes axe too', async () => {
    const sessionId = (
      await gqlOk<{ scheduleSession: { id: string } }>('mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id } }', {
        i: { communityId, title: '一月广场夜话', venue: '中心广场', host: '赵书记', scheduledAt: new Date(Date.now() + 30 * 86400_000).toISOString() },
      })
    ).scheduleSession.id;
    await raise('楼道灯不亮', 'PUBLIC_FACILITIES', sessionId);
    const phone = await newPage();
    await phone.setViewportSize({ width: 390, height: 800 });
    await phone.goto(`${origin()}/screen/support?session=${sessionId}#token=${await stack.as(['RESIDENT'])}`);
    await phone.locator('#rows li').first().waitFor({ timeout: 5000 });
    await expectAccessible(phone);
    await screenshot(phone, 'phone');
    await phone.close();
  });
});
