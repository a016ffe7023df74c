/// <reference lib="dom" />
import { gql, GraphQLRequestError, tokenFromHash } from './api';
import { startLive, type LiveState } from './live';
import { formatClock, pickSession, shanghaiMonthStart, shanghaiToday, type Pick } from './screen.format';
import { fitLoop, renderEveningHero, renderLoop, tickEvening, type EveningHero } from './screen.evening-view';
import { renderLive, tickLive } from './screen.live-view';
import { ISSUE, LOOP, PICK, PLAN, SESSION, SESSION_ISSUES, SESSION_ONE, SESSION_PLANS, type CommunityPick, type IssueView, type LoopResults, type PlanView, type SessionView } from './screen.queries';

/**
 * The plaza screen, switched on before the evening and left alone. `?community=` follows the
 * community all evening: the next session and the loop's results while it waits, the live session
 * once it starts, its summary once it ends — switching by itself on `sessionEvents`. `?session=`
 * pins one session. Every state has its own look (views in screen.html.ts): live, evening
 * (planned / ended / none), and notices for loading, offline, token rejected, not found.
 */

/** What the gateway writes into the page (see screen.html.ts). */
interface ScreenConfig {
  sessionId: string | null;
  communityId: string | null;
  /** The operator's SCREEN token (PLAZA_SCREEN_TOKEN), or null: anonymous, public fields only. */
  screenToken: string | null;
}

type View = 'loading' | 'live' | 'evening' | 'offline' | 'denied' | 'missing' | 'setup';

const config = JSON.parse(document.getElementById('plaza-config')!.textContent ?? '{}') as ScreenConfig;
const token = tokenFromHash() ?? config.screenToken;
const $ = (id: string) => document.getElementById(id)!;

let communityId = config.communityId;
let view: View = 'loading';
let session: SessionView | null = null;
let hero: EveningHero | null = null;
let loaded = false; // something real is on the screen (an outage then keeps it, marked stale)
let loadedAt = new Date();
const issues = new Map<string, IssueView>();
const fresh = new Set<string>();
let live: { stop(): void } | null = null;
let socket: LiveState = 'connecting'; // the socket's own state; a failed page query overrides the light until the next success

// ---------------------------------------------------------------- views

function show(v: View, notice?: { title: string; text: string }) {
  view = v;
  document.body.dataset.view = v;
  $('view-live').hidden = v !== 'live';
  $('view-evening').hidden = v !== 'evening';
  $('view-notice').hidden = v === 'live' || v === 'evening';
  if (notice) {
    $('notice-title').textContent = notice.title;
    $('notice-text').textContent = notice.text;
  }
}

function banner(text: string | null) {
  const b = $('banner');
  b.textContent = text ?? '';
  b.hidden = !text;
}

function setState(state: LiveState) {
  $('status').dataset.state = state;
  $('status-label').textContent = state === 'live' ? '实时' : state === 'reconnecting' ? '重连中' : '连接中';
  if (state === 'live') banner(null);
  else if (state === 'reconnecting' && loaded) banner(`连接中断，正在自动重连 · 显示的是 ${formatClock(loadedAt)} 的内容`);
}

function renderAll() {
  const now = Date.now();
  if (view === 'live' && session) renderLive(session, issues, fresh, now);
  if (view === 'evening' && hero) renderEveningHero(hero, now);
  if (view === 'evening') fitLoop();
}

function setCommunity(c: { name: string; subdistrict: string }) {
  $('community').textContent = `${c.subdistrict} · ${c.name}`;
}

// ---------------------------------------------------------------- loading

async function sessionOne(id: string): Promise<SessionView | null> {
  return (await gql<{ session: SessionView | null }>(SESSION_ONE, { id }, token)).session;
}

async function sessionWithIssues(id: string) {
  const [d, p] = await Promise.all([
    gql<{ session: (SessionView & { issues: { edges: { node: Omit<IssueView, 'plans'> & { resolvedOnSite: boolean } }[] } }) | null }>(SESSION_ISSUES, { id }, token),
    gql<{ session: { issues: { edges: { node: { id: string; plans: PlanView[] } }[] } } | null }>(SESSION_PLANS, { id }, token),
  ]);
  if (!d.session) return null;
  const plans = new Map((p.session?.issues.edges ?? []).map((e) => [e.node.id, e.node.plans]));
  const { issues: conn, ...s } = d.session;
  return { session: s as SessionView, issues: conn.edges.map((e) => ({ ...e.node, plans: plans.get(e.node.id) ?? [] })) };
}

async function loadLoop() {
  if (!communityId) return;
  const d = await gql<{ community: LoopResults | null; month: { issuesResolved: number; satisfactionRate: number | null } }>(LOOP, { id: communityId, month: shanghaiMonthStart(new Date()) }, token);
  if (d.community) renderLoop(d.community, d.month, shanghaiToday(new Date()));
}

/** Which session, and in which view: pinned by ?session=, else chosen for the community. */
async function choose(): Promise<Pick | 'missing'> {
  if (config.sessionId) {
    const s = await sessionOne(config.sessionId);
    if (!s) return 'missing';
    communityId = s.community.id;
    setCommunity(s.community);
    if (s.status === 'LIVE') return { view: 'live', sessionId: s.id };
    if (s.status === 'CLOSED') return { view: 'ended', sessionId: s.id, next: null };
    if (s.status === 'PLANNED') return { view: 'planned', sessionId: s.id };
    hero = { kind: 'none', cancelled: s };
    return { view: 'none' };
  }
  const d = await gql<{ community: CommunityPick | null }>(PICK, { id: communityId }, token);
  if (!d.community) return 'missing';
  setCommunity(d.community);
  const nodes = (c: { edges: { node: { id: string; scheduledAt: string; endedAt: string | null } }[] }) => c.edges.map((e) => e.node);
  hero = null;
  return pickSession({ live: nodes(d.community.live), planned: nodes(d.community.planned), closed: nodes(d.community.closed) }, Date.now());
}

async function load(): Promise<void> {
  const p = await choose();
  if (p === 'missing') {
    show('missing', { title: config.sessionId ? '未找到这场夜话' : '未找到这个社区', text: '请核对大屏地址中的 ?session= 或 ?community= 编号；大屏会每分钟重试。' });
    return;
  }
  if (p.view === 'live') {
    const r = await sessionWithIssues(p.sessionId);
    if (!r) throw new Error('the session vanished while loading');
    if (session?.id !== r.session.id) issues.clear();
    session = r.session;
    for (const i of r.issues) issues.set(i.id, i);
    show('live');
  } else {
    session = null;
    issues.clear();
    if (p.view === 'planned') {
      const s = await sessionOne(p.sessionId);
      if (!s) throw new Error('the session vanished while loading');
      hero = { kind: 'planned', session: s };
    } else if (p.view === 'ended') {
      const [r, next] = await Promise.all([sessionWithIssues(p.sessionId), p.next ? sessionOne(p.next) : null]);
      if (!r) throw new Error('the session vanished while loading');
      hero = { kind: 'ended', session: r.session, issues: r.issues, plans: r.issues.flatMap((i) => i.plans), next };
    } else {
      hero ??= { kind: 'none' };
    }
    await loadLoop();
    show('evening');
  }
  loaded = true;
  loadedAt = new Date();
  renderAll();
}

// One refresh at a time; asks made meanwhile fold into one more run after it.
let running: Promise<void> | null = null;
let again = false;
let retry: ReturnType<typeof setTimeout> | null = null;

function refresh(): Promise<void> {
  if (running) {
    again = true;
    return running;
  }
  if (retry) clearTimeout(retry);
  retry = null;
  running = load()
    .then(() => {
      if (live) setState(socket);
      ensureLive();
    })
    .catch((e: unknown) => failed(e))
    .finally(() => {
      running = null;
      if (again) {
        again = false;
        void refresh();
      }
    });
  return running;
}

function failed(e: unknown) {
  const denied = e instanceof GraphQLRequestError && (e.code === 'UNAUTHENTICATED' || e.code === 'FORBIDDEN');
  if (denied) {
    show('denied', { title: '大屏凭证无效或已过期', text: '请管理员用 npm run token -- --sub plaza-screen-1 --roles SCREEN 生成新凭证，设为 PLAZA_SCREEN_TOKEN 后刷新本页。' });
  } else if (loaded) {
    // Keep what is on the screen, marked as not current; the light says 重连中.
    setState('reconnecting');
  } else {
    setState('reconnecting');
    show('offline', { title: '暂时连不上服务器', text: '大屏会自动重试，恢复后立即显示，无需操作。' });
    console.warn('screen: load failed', e);
  }
  retry = setTimeout(() => void refresh(), denied ? 30_000 : 3000);
}

// ---------------------------------------------------------------- live updates

let pending: ReturnType<typeof setTimeout> | null = null;
/** Several events in a burst (a session scheduled and started) cost one reload. */
function refreshSoon(ms = 250) {
  if (pending) return;
  pending = setTimeout(() => {
    pending = null;
    void refresh();
  }, ms);
}

function upsertIssue(i: Partial<IssueView> & { id: string }) {
  const had = issues.get(i.id);
  if (!had && !i.title) return; // a partial update for an issue we have not loaded: the refetch brings it
  if (!had) fresh.add(i.id);
  issues.set(i.id, { ...(had as IssueView), ...stripUndefined(i) });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}

function updatePlan(p: PlanView) {
  for (const i of issues.values()) {
    const at = i.plans?.findIndex((x) => x.id === p.id) ?? -1;
    if (at >= 0) i.plans[at] = { ...i.plans[at]!, ...stripUndefined(p) };
  }
}

/** One socket for the page's lifetime, following the whole community; events are routed here. */
function ensureLive() {
  if (live || !communityId) return;
  live = startLive({
    token,
    onState: (state) => {
      socket = state;
      setState(state);
    },
    // Subscribed first, then (re)loaded: anything that happened before, between or during is
    // shown, and a screen that connects mid-vote has the current tallies at once (the tally
    // events that follow carry whole plans, so applying them over the query cannot go back).
    onConnected: () => void refresh(),
    onDenied: () => show('denied', { title: '大屏凭证无效或已过期', text: '请管理员更新 PLAZA_SCREEN_TOKEN 后刷新本页。' }),
    subscriptions: [
      {
        query: `subscription ScreenSessions($communityId: ID, $after: String) { sessionEvents(communityId: $communityId, after: $after) { cursor kind session { ${SESSION} } } }`,
        variables: { communityId },
        onEvent: (e) => {
          const s = e.session as SessionView | null;
          if (s && session && s.id === session.id && s.status === session.status) {
            session = s; // attendance and details: no need to choose again
            renderAll();
          } else if (!config.sessionId || s?.id === config.sessionId) {
            refreshSoon(); // scheduled, started, closed, cancelled: maybe another view
          }
        },
      },
      {
        query: `subscription ScreenIssues($communityId: ID, $after: String) { issueEvents(communityId: $communityId, after: $after) { cursor kind sessionId issue { ${ISSUE} } } }`,
        variables: { communityId },
        onEvent: (e) => {
          if (view === 'live' && session && e.sessionId === session.id) {
            if (e.issue) upsertIssue(e.issue);
            renderAll();
          } else if (view === 'evening') {
            refreshSoon(1000); // the loop moved: results, ledger, the month's figure
          }
        },
      },
      {
        query: `subscription ScreenTallies($communityId: ID, $after: String) { voteTallies(communityId: $communityId, after: $after) { cursor supportCount issue { id } plan { ${PLAN} } } }`,
        variables: { communityId },
        onEvent: (e) => {
          if (view !== 'live') return;
          if (e.issue) upsertIssue({ id: e.issue.id, supportCount: e.supportCount });
          if (e.plan) updatePlan(e.plan);
          renderAll();
        },
      },
    ],
  });
}

// ---------------------------------------------------------------- start

setInterval(() => {
  const now = Date.now();
  $('clock').textContent = formatClock(new Date(now));
  if (view === 'live') tickLive(issues, now);
  if (view === 'evening') tickEvening(now);
}, 1000);
$('clock').textContent = formatClock(new Date());

// Events drive every switch but the ones only the clock makes: a summary older than 12 hours
// gives way to the next session, a planned session long overdue to the waiting view.
setInterval(() => {
  if (view === 'evening') void refresh();
}, 5 * 60_000);

if (!config.sessionId && !config.communityId) {
  show('setup', { title: '请指定要显示的社区', text: '在地址后加上 ?community=<社区编号>（或 ?session=<夜话编号>）。' });
} else {
  show('loading', { title: '正在连接服务器…', text: '马上就好' });
  void refresh();
}
