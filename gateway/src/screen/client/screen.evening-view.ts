/// <reference lib="dom" />
import { el } from './api';
import { fitChildren } from './screen.fit';
import { countdown, formatWhen } from './screen.format';
import type { IssueView, LedgerView, LoopResults, SessionView } from './screen.queries';
import { CATEGORY_LABELS, label, OUTCOME_LABELS } from './labels';

const $ = (id: string) => document.getElementById(id)!;

/** What the evening view shows in its hero: the next session, a finished one's summary, or nothing yet. */
export type EveningHero =
  | { kind: 'planned'; session: SessionView }
  | { kind: 'ended'; session: SessionView; issues: (Omit<IssueView, 'plans'> & { resolvedOnSite?: boolean })[]; plans: IssueView['plans']; next: SessionView | null }
  | { kind: 'none'; cancelled?: SessionView };

const stat = (value: string | number, name: string, cls = '') => el('div', { class: `stat ${cls}` }, el('b', {}, String(value)), el('span', {}, name));

function sessionMeta(s: SessionView) {
  return el(
    'div',
    { class: 'evening-meta' },
    el('span', {}, '时间 ', el('b', {}, formatWhen(s.scheduledAt))),
    el('span', {}, '地点 ', el('b', {}, s.venue)),
    el('span', {}, '主持 ', el('b', {}, s.host)),
  );
}

const themeLine = (s: SessionView) => el('div', { class: 'theme-line' }, el('span', { class: 'tag' }, '本期主题'), el('span', { class: 'theme' }, s.theme?.title ?? '自由议题'));

export function renderEveningHero(h: EveningHero, now: number) {
  const hero = $('evening-hero');
  hero.dataset.kind = h.kind;
  const main: Node[] = [];
  const side: Node[] = [];
  if (h.kind === 'planned') {
    main.push(el('div', { class: 'kicker' }, '下一场广场夜话'), el('h1', { id: 'evening-title' }, h.session.title), themeLine(h.session), sessionMeta(h.session));
    side.push(
      el('div', { class: 'caption' }, '距离开始还有'),
      el('div', { id: 'countdown', class: 'countdown', 'data-at': h.session.scheduledAt }, countdown(h.session.scheduledAt, now) ?? '即将开始'),
    );
    side.push(el('div', { class: 'side-note' }, '欢迎邻里准时到场，有事当面说'));
  } else if (h.kind === 'ended') {
    const s = h.session;
    const onSite = h.issues.filter((i) => i.resolvedOnSite).length;
    const adopted = h.plans.filter((p) => p.status === 'ADOPTED').length;
    main.push(
      el('div', { class: 'kicker' }, '本场夜话已结束 · 感谢参与'),
      el('h1', { id: 'evening-title' }, s.title),
      themeLine(s),
      el('div', { class: 'stats', id: 'summary' }, stat(s.attendance.total, '人参与'), stat(h.issues.length, '条诉求'), stat(onSite, '件现场解决'), stat(adopted, '项方案通过')),
      ...(s.minutes ? [el('p', { class: 'minutes' }, `纪要：${s.minutes}`)] : []),
    );
    if (h.next)
      side.push(el('div', { class: 'caption' }, '下一场'), el('div', { class: 'next-title' }, h.next.title), el('div', { class: 'side-note' }, `${formatWhen(h.next.scheduledAt)} · ${h.next.venue}`));
    else side.push(el('div', { class: 'caption' }, '下一场'), el('div', { class: 'side-note' }, '安排后将自动显示在这里'));
  } else {
    main.push(
      el('div', { class: 'kicker' }, h.cancelled ? '本场夜话已取消' : '暂无安排'),
      el('h1', { id: 'evening-title' }, h.cancelled ? h.cancelled.title : '本社区暂无进行中或即将开始的夜话'),
      el('p', { class: 'lead' }, '新的夜话一经安排，将自动显示在这里；下面是社区诉求的办理结果。'),
    );
    side.push(el('div', { class: 'caption' }, '有事找社区'), el('div', { class: 'side-note' }, '请联系网格员，或在社区居民端提出诉求'));
  }
  hero.replaceChildren(el('div', { class: 'evening-main' }, ...main), el('div', { class: 'evening-side' }, ...side));
}

/** Once a second: the countdown to the next session. */
export function tickEvening(now: number) {
  const c = document.getElementById('countdown');
  if (c?.dataset.at) c.textContent = countdown(c.dataset.at, now) ?? '即将开始';
}

function outcomeText(i: LoopResults['resolved']['edges'][number]['node']): string {
  const parts = i.outcomes.map((o) => `${label(OUTCOME_LABELS, o.kind)}${o.quantity > 1 ? ` ×${o.quantity}` : ''}${o.note ? `（${o.note}）` : ''}`);
  if (i.resolvedOnSite) parts.unshift('现场解决');
  return parts.join(' · ') || '已办结';
}

function satisfaction(i: LoopResults['resolved']['edges'][number]['node']) {
  const last = i.evaluations[i.evaluations.length - 1];
  if (!last) return el('span', { class: 'eval none' }, '待评价');
  return el('span', { class: `eval ${last.satisfied ? 'ok' : 'bad'}` }, `${last.satisfied ? '满意' : '不满意'} ${'★'.repeat(last.rating)}`);
}

/** The loop's results: recently resolved requests, open ledger entries, the month's figure. */
export function renderLoop(loop: LoopResults, month: { issuesResolved: number; satisfactionRate: number | null } | null, today: string) {
  const resolved = loop.resolved.edges.map((e) => e.node);
  $('resolved').replaceChildren(
    ...(resolved.length
      ? resolved.map((i) =>
          el(
            'li',
            { class: 'result', 'data-issue-id': i.id },
            el('div', { class: 'issue-main' }, el('span', { class: 'category' }, label(CATEGORY_LABELS, i.category)), el('span', { class: 'issue-title' }, i.title)),
            el('div', { class: 'result-line' }, el('span', { class: 'outcome' }, outcomeText(i)), satisfaction(i)),
          ),
        )
      : [el('li', { class: 'empty' }, '暂无已解决的诉求')]),
  );
  $('resolved-total').textContent = String(loop.resolved.totalCount);
  $('month-resolved').textContent = String(month?.issuesResolved ?? 0);
  $('month-satisfaction').textContent = month?.satisfactionRate != null ? `满意率 ${Math.round(month.satisfactionRate * 100)}%` : '';

  const entries: (LedgerView & { issue: string })[] = loop.working.edges
    .flatMap((e) => e.node.ledger.filter((l) => l.status !== 'DONE').map((l) => ({ ...l, issue: e.node.title })))
    .sort((a, b) => a.deadline.localeCompare(b.deadline))
    .slice(0, 6);
  $('ledger').replaceChildren(
    ...(entries.length
      ? entries.map((l) =>
          el(
            'li',
            { class: `ledger${l.status === 'OVERDUE' || l.deadline < today ? ' overdue' : ''}`, 'data-ledger-id': l.id },
            el('div', { class: 'ledger-measure' }, l.measure),
            el('div', { class: 'ledger-meta' }, el('span', {}, l.responsibleUnit), el('span', { class: 'deadline' }, l.status === 'OVERDUE' ? `已超期 · ${l.deadline}` : `截止 ${l.deadline}`)),
          ),
        )
      : [el('li', { class: 'empty' }, '暂无进行中的整改事项')]),
  );
}

/** After the view is shown (measuring needs layout): hide what does not fit whole. */
export function fitLoop() {
  fitChildren($('resolved'), '项已解决');
  fitChildren($('ledger'), '项整改');
}
