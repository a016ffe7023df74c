/// <reference lib="dom" />
import { el } from './api';
import { fitChildren } from './screen.fit';
import { countdown, voteResult } from './screen.format';
import type { IssueView, PlanView, SessionView } from './screen.queries';
import { CATEGORY_LABELS, ISSUE_STATUS_LABELS, label, PLAN_STATUS_LABELS, SESSION_STATUS_LABELS } from './labels';

const $ = (id: string) => document.getElementById(id)!;

/** The session header shared by the live view: title, theme, host, venue, attendance. */
function renderHero(session: SessionView) {
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
}

/** Votes still open first, then closed but undecided, then decided (what does not fit is counted). */
function planOrder(p: PlanView): number {
  if (p.status === 'OPEN') return p.voteOpen ? 0 : 1;
  return p.status === 'ADOPTED' ? 2 : 3;
}

/** The plan's state line: 表决中 (with the time left), 表决结束 · 赞成多数, 已通过 …. */
export function planState(p: PlanView, now: number): string {
  if (p.status !== 'OPEN') return label(PLAN_STATUS_LABELS, p.status);
  if (!p.voteOpen) return `表决结束 · ${voteResult(p)}`;
  if (!p.voteClosesAt) return '表决中';
  const left = countdown(p.voteClosesAt, now);
  return left ? `表决中 · 剩 ${left}` : '表决截止 · 计票中';
}

function renderPlan(p: PlanView, issue: IssueView, now: number) {
  const total = p.votesFor + p.votesAgainst + p.votesAbstain;
  const share = (n: number) => `width:${total ? (100 * n) / total : 0}%`;
  const count = (cls: string, name: string, n: number) => el('span', { class: `bar ${cls}` }, el('span', { class: 'bar-label' }, name), el('b', { class: 'bar-count' }, String(n)));
  const open = p.status === 'OPEN' && p.voteOpen;
  // Compact: one stacked bar and one line of counts, so two or three plans fit above the QR code.
  return el(
    'div',
    { class: `plan${open ? ' voting' : ' closed'}`, 'data-plan-id': p.id, 'data-vote-open': String(open) },
    el('div', { class: 'plan-head' }, el('span', { class: 'plan-summary' }, p.summary), el('span', { class: 'plan-status', 'data-plan-id': p.id }, planState(p, now))),
    el('div', { class: 'plan-issue' }, `诉求：${issue.title}`),
    el(
      'div',
      { class: 'stack', 'aria-hidden': 'true' },
      el('span', { class: 'seg for', style: share(p.votesFor) }),
      el('span', { class: 'seg against', style: share(p.votesAgainst) }),
      el('span', { class: 'seg abstain', style: share(p.votesAbstain) }),
    ),
    el(
      'div',
      { class: 'tally' },
      count('for', '赞成', p.votesFor),
      count('against', '反对', p.votesAgainst),
      count('abstain', '弃权', p.votesAbstain),
      el('span', { class: 'plan-turnout' }, el('b', { class: 'votes-cast' }, String(p.votesCast ?? total)), ' 人参与'),
    ),
  );
}

/** The live session: requests newest first, plans with their bars, the QR code to the phone page. */
export function renderLive(session: SessionView, issues: Map<string, IssueView>, fresh: Set<string>, now: number) {
  renderHero(session);
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
  fitChildren($('issues'), '条诉求');

  const plans = list.flatMap((i) => (i.plans ?? []).map((p) => ({ p, issue: i }))).sort((a, b) => planOrder(a.p) - planOrder(b.p));
  $('plans').replaceChildren(...(plans.length ? plans.map(({ p, issue }) => renderPlan(p, issue, now)) : [el('div', { class: 'empty' }, '暂无表决中的方案')]));
  fitChildren($('plans'), '项方案');
  const qr = $('qr') as HTMLImageElement;
  const src = `/screen/qr.svg?session=${encodeURIComponent(session.id)}`;
  if (qr.getAttribute('src') !== src) qr.setAttribute('src', src);
}

/** Once a second: the time left on each open vote, without rebuilding the panel. */
export function tickLive(issues: Map<string, IssueView>, now: number) {
  for (const i of issues.values())
    for (const p of i.plans ?? []) {
      const node = document.querySelector(`.plan-status[data-plan-id="${p.id}"]`);
      if (node) node.textContent = planState(p, now);
    }
}
