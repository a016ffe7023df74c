/// <reference lib="dom" />
import { el, gql, tokenFromHash } from './api';
import { CATEGORY_LABELS, ISSUE_STATUS_LABELS, label, PLAN_STATUS_LABELS, SESSION_STATUS_LABELS } from './labels';
import { startLive, type LiveState } from './live';

/** What the gateway writes into the page (see screen.html.ts). */
interface ScreenConfig {
  sessionId: string | null;
  communityId: string | null;
  /** The operator's SCREEN token (PLAZA_SCREEN_TOKEN), or null: anonymous, public fields only. */
  screenToken: string | null;
}

interface PlanView {
  id: string;
  summary: string;
  status: string;
  votesFor: number;
  votesAgainst: number;
  votesAbstain: number;
}
interface IssueView {
  id: string;
  title: string;
  category: string;
  status: string;
  supportCount: number;
  raisedAt: string;
  plans: PlanView[];
}
interface SessionView {
  id: string;
  title: string;
  status: string;
  venue: string;
  host: string;
  scheduledAt: string;
  community: { id: string; name: string; subdistrict: string };
  theme: { title: string } | null;
  attendance: { residents: number; partyMembers: number; cadres: number; deputies: number; cppccMembers: number; total: number };
}

// Public fields only: no raisedBy, no contacts — this is shown to a whole plaza.
const PLAN = 'id summary status votesFor votesAgainst votesAbstain';
const ISSUE_FIELDS = 'id title category status supportCount raisedAt';
const ISSUE = `${ISSUE_FIELDS} plans { ${PLAN} }`;
const SESSION = `id title status venue host scheduledAt community { id name subdistrict } theme { title }
  attendance { residents partyMembers cadres deputies cppccMembers total }`;

const config = JSON.parse(document.getElementById('plaza-config')!.textContent ?? '{}') as ScreenConfig;
const token = tokenFromHash() ?? config.screenToken;

let session: SessionView | null = null;
const issues = new Map<string, IssueView>();
const fresh = new Set<string>();
let live: { stop(): void } | null = null;

const $ = (id: string) => document.getElementById(id)!;

async function resolveSessionId(): Promise<string | null> {
  if (config.sessionId) return config.sessionId;
  if (!config.communityId) return null;
  // The community's LIVE session, else its next PLANNED one.
  const d = await gql<{ community: { live: { edges: { node: { id: string } }[] }; planned: { edges: { node: { id: string; scheduledAt: string } }[] } } | null }>(
    `query ScreenCommunity($id: ID!) { community(id: $id) {
      live: sessions(status: LIVE, first: 1) { edges { node { id } } }
      planned: sessions(status: PLANNED, first: 50) { edges { node { id scheduledAt } } }
    } }`,
    { id: config.communityId },
    token,
  );
  if (!d.community) return null;
  const liveNow = d.community.live.edges[0]?.node.id;
  if (liveNow) return liveNow;
  const now = Date.now() - 6 * 3600_000;
  const next = d.community.planned.edges
    .map((e) => e.node)
    .filter((s) => Date.parse(s.scheduledAt) >= now)
    .sort((a, b) => Date.parse(a.scheduledAt) - Date.parse(b.scheduledAt))[0];
  return next?.id ?? d.community.planned.edges[0]?.node.id ?? null;
}

// The requests and their plans, in two queries so each stays well inside the gateway's cost
// budget; a session's plaza rarely sees more than a hundred requests.
const PLAN_ISSUES = 100;

async function load(sessionId: string) {
  const [d, p] = await Promise.all([
    gql<{ session: (SessionView & { issues: { edges: { node: Omit<IssueView, 'plans'> }[] } }) | null }>(
      `query ScreenSession($id: ID!) { session(id: $id) { ${SESSION} issues(first: 100) { edges { node { ${ISSUE_FIELDS} } } } } }`,
      { id: sessionId },
      token,
    ),
    gql<{ session: { issues: { edges: { node: { id: string; plans: PlanView[] } }[] } } | null }>(
      `query ScreenPlans($id: ID!) { session(id: $id) { issues(first: ${PLAN_ISSUES}) { edges { node { id plans { ${PLAN} } } } } } }`,
      { id: sessionId },
      token,
    ),
  ]);
  if (!d.session) throw new Error('session not found');
  const plans = new Map((p.session?.issues.edges ?? []).map((e) => [e.node.id, e.node.plans]));
  const { issues: conn, ...s } = d.session;
  session = s;
  for (const { node } of conn.edges) issues.set(node.id, { ...node, plans: plans.get(node.id) ?? issues.get(node.id)?.plans ?? [] });
  render();
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

function setState(state: LiveState) {
  const s = $('status');
  s.dataset.state = state;
  $('status-label').textContent = state === 'live' ? '实时' : state === 'reconnecting' ? '重连中' : '连接中';
}

function render() {
  if (!session) return;
  $('community').textContent = `${session.community.subdistrict} · ${session.community.name}`;
  $('title').textContent = session.title;
  $('theme').textContent = session.theme?.title ?? '自由议题';
  $('host').textContent = session.host;
  $('venue').textContent = session.venue;
  const st = $('session-status');
  st.textContent = label(SESSION_STATUS_LABELS, session.status);
  st.dataset.status = session.status;
  const a = session.attendance;
  $('attendance-total').textContent = String(a.total);
  $('attendance-detail').replaceChildren(
    ...[
      ['居民', a.residents],
      ['党员', a.partyMembers],
      ['干部', a.cadres],
      ['代表', a.deputies],
      ['委员', a.cppccMembers],
    ].map(([k, v]) => el('span', {}, el('b', {}, String(v)), String(k))),
  );

  const list = [...issues.values()].sort((x, y) => Date.parse(y.raisedAt) - Date.parse(x.raisedAt));
  $('issue-count').textContent = String(list.length);
  $('issues').replaceChildren(
    ...(list.length
      ? list.map((i) =>
          el(
            'li',
            { class: `issue${fresh.has(i.id) ? ' fresh' : ''}`, 'data-issue-id': i.id },
            el('div', { class: 'issue-main' }, el('span', { class: 'category' }, label(CATEGORY_LABELS, i.category)), el('span', { class: 'issue-title' }, i.title)),
            el('span', { class: 'issue-status', 'data-status': i.status }, label(ISSUE_STATUS_LABELS, i.status)),
            el('span', { class: 'support' }, el('b', { class: 'support-count' }, String(i.supportCount)), '人支持'),
          ),
        )
      : [el('li', { class: 'empty' }, '暂无诉求 · 扫码或现场登记提出您的诉求')]),
  );
  fresh.clear();

  const plans = list.flatMap((i) => (i.plans ?? []).filter((p) => p.status === 'OPEN').map((p) => ({ p, issue: i })));
  $('plans').replaceChildren(
    ...(plans.length
      ? plans.map(({ p, issue }) => {
          const total = p.votesFor + p.votesAgainst + p.votesAbstain;
          const bar = (cls: string, name: string, n: number) =>
            el(
              'div',
              { class: `bar ${cls}` },
              el('span', { class: 'bar-label' }, name),
              el('span', { class: 'bar-track' }, el('span', { class: 'bar-fill', style: `width:${total ? (100 * n) / total : 0}%` })),
              el('b', { class: 'bar-count' }, String(n)),
            );
          return el(
            'div',
            { class: 'plan', 'data-plan-id': p.id },
            el('div', { class: 'plan-head' }, el('span', { class: 'plan-summary' }, p.summary), el('span', { class: 'plan-status' }, label(PLAN_STATUS_LABELS, p.status))),
            el('div', { class: 'plan-issue' }, `诉求：${issue.title}`),
            bar('for', '赞成', p.votesFor),
            bar('against', '反对', p.votesAgainst),
            bar('abstain', '弃权', p.votesAbstain),
          );
        })
      : [el('div', { class: 'empty' }, '暂无表决中的方案')]),
  );
}

function follow(sessionId: string, communityId: string) {
  live?.stop();
  live = startLive({
    token,
    onState: setState,
    onConnected: (reconnect) => {
      // Subscribed first, then (re)loaded: anything raised before, between or during is shown.
      if (reconnect) void load(sessionId).catch((e) => console.warn('screen: reload failed', e));
    },
    subscriptions: [
      {
        query: `subscription ScreenIssues($sessionId: ID, $after: String) { issueEvents(sessionId: $sessionId, after: $after) { cursor kind issue { ${ISSUE} } } }`,
        variables: { sessionId },
        onEvent: (e) => {
          if (e.issue) upsertIssue(e.issue);
          render();
        },
      },
      {
        query: `subscription ScreenTallies($sessionId: ID, $after: String) { voteTallies(sessionId: $sessionId, after: $after) { cursor supportCount issue { id } plan { ${PLAN} } } }`,
        variables: { sessionId },
        onEvent: (e) => {
          if (e.issue) upsertIssue({ id: e.issue.id, supportCount: e.supportCount });
          if (e.plan) updatePlan(e.plan);
          render();
        },
      },
      {
        query: `subscription ScreenSession($communityId: ID, $after: String) { sessionEvents(communityId: $communityId, after: $after) { cursor kind session { ${SESSION} } } }`,
        variables: { communityId },
        onEvent: (e) => {
          const s = e.session as SessionView | null;
          if (s && s.id === sessionId) {
            session = s;
            render();
          } else if (s && !config.sessionId && e.kind === 'STARTED') {
            // Following a community: a session going live there takes over the screen.
            void start();
          }
        },
      },
    ],
  });
}

async function start() {
  const message = $('message');
  try {
    const id = await resolveSessionId();
    if (!id) {
      message.textContent = config.communityId ? '该社区暂无进行中或即将开始的夜话' : '请在地址中指定 ?session= 或 ?community=';
      message.hidden = false;
      return;
    }
    issues.clear();
    await load(id);
    message.hidden = true;
    $('qr').setAttribute('src', `/screen/qr.svg?session=${encodeURIComponent(id)}`);
    follow(id, session!.community.id);
  } catch (e) {
    // The gateway may be restarting: try again shortly, the screen must come back on its own.
    setState('reconnecting');
    message.textContent = `正在连接服务器…（${(e as Error).message}）`;
    message.hidden = false;
    setTimeout(() => void start(), 3000);
  }
}

void start();
