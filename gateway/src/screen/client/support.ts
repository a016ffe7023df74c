/// <reference lib="dom" />
import { el, gql, GraphQLRequestError, tokenFromHash } from './api';
import { CATEGORY_LABELS, ISSUE_STATUS_LABELS, label } from './labels';

/**
 * The phone page behind the screen's QR code: the session's requests, each with a 支持 button.
 * Supporting needs a RESIDENT token from the community's resident app (`#token=` in the link it
 * opens, then kept in localStorage); without one the page says how to get it.
 */

interface SupportConfig {
  sessionId: string | null;
}
interface Row {
  id: string;
  title: string;
  category: string;
  status: string;
  supportCount: number;
  viewerSupports: boolean;
  raisedAt: string;
}

const STORAGE_KEY = 'plaza.residentToken';
const config = JSON.parse(document.getElementById('plaza-config')!.textContent ?? '{}') as SupportConfig;
const $ = (id: string) => document.getElementById(id)!;

function residentToken(): string | null {
  const fromHash = tokenFromHash();
  if (fromHash) {
    localStorage.setItem(STORAGE_KEY, fromHash);
    // Out of the address bar, so a shared screenshot or link does not carry it.
    history.replaceState(null, '', location.pathname + location.search);
    return fromHash;
  }
  return localStorage.getItem(STORAGE_KEY);
}

let token = residentToken();
const rows = new Map<string, Row>();

function notice(text: string, kind: 'info' | 'error' = 'info') {
  const n = $('notice');
  n.textContent = text;
  n.dataset.kind = kind;
  n.hidden = !text;
}

function render() {
  const list = [...rows.values()].sort((a, b) => Date.parse(b.raisedAt) - Date.parse(a.raisedAt));
  $('rows').replaceChildren(
    ...(list.length
      ? list.map((r) => {
          const button = el('button', { class: r.viewerSupports ? 'supported' : '', 'data-issue-id': r.id }, r.viewerSupports ? '已支持 ✓' : '支持');
          button.addEventListener('click', () => void toggle(r, button));
          return el(
            'li',
            { 'data-issue-id': r.id },
            el(
              'div',
              { class: 'row-text' },
              el('span', { class: 'category' }, label(CATEGORY_LABELS, r.category)),
              el('span', { class: 'title' }, r.title),
              el('span', { class: 'status' }, label(ISSUE_STATUS_LABELS, r.status)),
            ),
            el('div', { class: 'row-action' }, el('b', { class: 'support-count' }, String(r.supportCount)), button),
          );
        })
      : [el('li', { class: 'empty' }, '本场暂无诉求')]),
  );
}

async function toggle(r: Row, button: HTMLButtonElement) {
  if (!token) return notice('请先通过社区居民端登录获取支持权限（见下方说明）', 'error');
  button.disabled = true;
  try {
    const field = r.viewerSupports ? 'withdrawSupport' : 'supportIssue';
    const d = await gql<Record<string, { supportCount: number; viewerSupports: boolean }>>(
      `mutation Support($id: ID!) { ${field}(issueId: $id) { id supportCount viewerSupports } }`,
      { id: r.id },
      token,
    );
    Object.assign(r, d[field]);
    notice(r.viewerSupports ? '感谢您的支持！' : '已撤回支持');
  } catch (e) {
    const code = e instanceof GraphQLRequestError ? e.code : undefined;
    if (code === 'RATE_LIMITED') notice('操作太频繁，请稍后再试', 'error');
    else if (code === 'UNAUTHENTICATED') {
      localStorage.removeItem(STORAGE_KEY);
      token = null;
      showHelp();
      notice('登录已过期，请重新从居民端打开本页', 'error');
    } else if (code === 'FORBIDDEN') notice('只有本社区居民可以支持诉求', 'error');
    else notice(`未能提交：${(e as Error).message}`, 'error');
  } finally {
    button.disabled = false;
    render();
  }
}

function showHelp() {
  $('help').hidden = !!token;
}

async function start() {
  showHelp();
  if (!config.sessionId) return notice('链接缺少场次（?session=）', 'error');
  try {
    const d = await gql<{ session: { title: string; community: { name: string }; issues: { edges: { node: Row }[] } } | null }>(
      `query SupportPage($id: ID!) { session(id: $id) { title community { name }
        issues(first: 100) { edges { node { id title category status supportCount viewerSupports raisedAt } } } } }`,
      { id: config.sessionId },
      token,
    );
    if (!d.session) return notice('未找到该场夜话', 'error');
    $('session-title').textContent = d.session.title;
    $('community').textContent = d.session.community.name;
    for (const { node } of d.session.issues.edges) rows.set(node.id, node);
    render();
  } catch (e) {
    notice(`加载失败：${(e as Error).message}`, 'error');
  }
}

void start();
