import { escapeHtml, jsonForScript } from './screen.assets';

/** Only this origin: scripts, styles, images and the graphql-ws socket. */
export const SCREEN_CSP =
  "default-src 'self'; img-src 'self' data:; connect-src 'self' ws: wss:; style-src 'self' 'unsafe-inline'; script-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

const page = (title: string, css: string, js: string, config: unknown, body: string) => `<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
<link rel="icon" href="data:,">
<title>${escapeHtml(title)}</title>
<link rel="stylesheet" href="${css}">
<script id="plaza-config" type="application/json">${jsonForScript(config)}</script>
<script src="${js}" defer></script>
</head>
<body>
${body}
</body>
</html>
`;

export function screenPage(config: { sessionId: string | null; communityId: string | null; screenToken: string | null }) {
  return page(
    '广场夜话 · 大屏',
    '/screen/screen.css',
    '/screen/screen.js',
    config,
    `<header>
  <div class="brand">广场夜话</div>
  <div id="community" class="community"></div>
  <div class="head-right">
    <span id="clock" class="clock"></span>
    <div id="status" class="status" data-state="connecting" role="status"><span class="dot" aria-hidden="true"></span><span id="status-label">连接中</span></div>
  </div>
</header>
<div id="banner" role="alert" hidden></div>
<main id="view-live" class="view" hidden>
  <div class="hero">
    <div>
      <h1 id="title"></h1>
      <div class="theme-line"><span class="tag">本期主题</span><span id="theme"></span></div>
      <div class="meta">主持 <b id="host"></b> · 地点 <b id="venue"></b><span id="session-status"></span></div>
    </div>
    <div class="attendance">
      <div class="caption">现场参与</div>
      <div id="attendance-total">0</div>
      <div id="attendance-detail"></div>
    </div>
  </div>
  <section aria-labelledby="issues-head">
    <h2 id="issues-head">现场诉求 <span class="count" id="issue-count">0</span><small>条 · 最新在前</small></h2>
    <ol id="issues"></ol>
  </section>
  <aside class="side" aria-labelledby="plans-head">
    <h2 id="plans-head">方案表决</h2>
    <div id="plans"></div>
    <div class="qr"><img id="qr" alt="扫码支持诉求的二维码" width="120" height="120"><div class="qr-text">手机扫码<br>支持您关心的诉求<small>需社区居民端登录</small></div></div>
  </aside>
</main>
<main id="view-evening" class="view" hidden>
  <div id="evening-hero" class="hero"></div>
  <section aria-labelledby="resolved-head">
    <h2 id="resolved-head">近期解决 <small>诉求办理结果 · 累计 <span id="resolved-total">0</span> 项</small></h2>
    <ol id="resolved"></ol>
  </section>
  <aside class="side" aria-labelledby="ledger-head">
    <div class="month"><span>本月已解决</span><b id="month-resolved">0</b><span>项</span><small id="month-satisfaction"></small></div>
    <h2 id="ledger-head">整改台账 <small>进行中 · 按截止日期</small></h2>
    <ol id="ledger"></ol>
  </aside>
</main>
<main id="view-notice" class="view notice-view">
  <div class="notice-card">
    <h1 id="notice-title">正在连接服务器…</h1>
    <p id="notice-text"></p>
  </div>
</main>`,
  );
}

export function supportPage(config: { sessionId: string | null }) {
  return page(
    '广场夜话 · 支持诉求',
    '/screen/support.css',
    '/screen/support.js',
    config,
    `<header><h1 id="session-title">广场夜话</h1><p id="community">为您关心的诉求投上一票</p></header>
<div id="notice" hidden></div>
<div id="help" hidden>
  <h2>如何获得支持权限？</h2>
  支持诉求需要社区居民身份：请在社区居民端（公众号 / 小程序）登录后，点击“广场夜话 · 支持诉求”打开本页，
  登录凭证会随链接（<code>#token=…</code>）带入并保存在本机。也可请现场网格员协助登记。
</div>
<ul id="rows"></ul>`,
  );
}
