// How close to "direct" can any Node gateway get on section 3's votes (1,000 concurrent distinct
// voters, one supportIssue each, on 3 hot requests)? Bursts straight to the issues subgraph,
// through a bare forwarding proxy (bare-proxy.mjs: JWT check, identity signing, one keep-alive
// forward — no GraphQL) and through our gateway, order rotated per round; votes/s, CPU per vote of
// the proxy/gateway and of the issues subgraph (/proc), medians and ratios to direct.
//
//   node bench/experiments/votes-floor.mjs [--rounds=3]
import { join } from 'node:path';
import { ROOT, fmt, freePort, median, ratio, runJsonChild, startChild, table, waitHttp } from '../lib/util.mjs';
import { cpuMs } from '../lib/proc-cpu.mjs';
import { startStack, fixtures } from '../stack.mjs';

const ROUNDS = Number(process.argv.find((a) => a.startsWith('--rounds='))?.slice(9) ?? 3);
const VOTERS = 1000;
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', GATEWAY_SECRET: 'bench-gateway-secret-0123456789abcdef' };
const say = (m) => console.error(`[votes-floor] ${m}`);

const stack = await startStack({ secrets: SECRETS, say });
let proxy;
const stop = async () => {
  await proxy?.stop();
  await stack.stop();
};
for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
])
  process.once(signal, () => void stop().then(() => process.exit(code)));
try {
  const port = await freePort();
  proxy = startChild('bare-proxy', [join(ROOT, 'bench', 'experiments', 'bare-proxy.mjs')], {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    PORT: String(port),
    ISSUES_URL: stack.urls.issues,
    ...SECRETS,
  });
  await new Promise((r) => setTimeout(r, 500));
  await waitHttp(`http://127.0.0.1:${port}/`, { child: proxy }).catch(() => {});
  const hot = [...(await fixtures(stack.pg)).hot];
  const targets = [
    { key: 'direct', url: stack.urls.issues, mode: 'direct', pid: null },
    { key: 'bare proxy', url: `http://127.0.0.1:${port}/graphql`, mode: 'gateway', pid: proxy.pid },
    { key: 'ours', url: stack.ours, mode: 'gateway', pid: stack.byName.gateway.pid },
  ];
  const job = (t, ids, runId) => ({ url: t.url, issueIds: ids, voters: VOTERS, mode: t.mode, jwtSecret: SECRETS.JWT_SECRET, gatewaySecret: SECRETS.GATEWAY_SECRET, runId });
  const load = join(ROOT, 'bench', 'vote-load.mjs');
  for (let w = 0; w < 3; w++) for (const t of targets) await runJsonChild(load, job(t, hot.splice(0, 1), `floor-warm${w}-${t.key}`));
  const rates = Object.fromEntries(targets.map((t) => [t.key, []]));
  const rows = [];
  for (let r = 0; r < ROUNDS; r++) {
    for (const t of [...targets.slice(r % 3), ...targets.slice(0, r % 3)]) {
      const pids = [t.pid, stack.byName.issues.pid];
      const c0 = pids.map((p) => (p ? cpuMs(p) : null));
      const res = await runJsonChild(load, job(t, hot.splice(0, 3), `floor-${r}-${t.key}`), { timeoutMs: 300_000 });
      const c1 = pids.map((p) => (p ? cpuMs(p) : null));
      const per = (k) => (c0[k] === null ? '—' : fmt((c1[k] - c0[k]) / VOTERS, 2));
      rates[t.key].push(res.votesPerSec);
      rows.push([r + 1, t.key, res.votes, res.errors, fmt(res.votesPerSec), `${fmt(res.p50)} / ${fmt(res.p99)}`, `${per(0)} / ${per(1)}`]);
    }
  }
  const d = median(rates.direct);
  console.log(table(['round', 'target', 'votes', 'errors', 'votes/s', 'p50 / p99 ms', 'CPU ms/vote front / issues'], rows));
  console.log('');
  console.log(
    table(
      ['target', 'median votes/s', 'vs direct'],
      targets.map((t) => [t.key, fmt(median(rates[t.key])), `${fmt(ratio(median(rates[t.key]), d), 2)}×`]),
    ),
  );
} finally {
  await stop();
}
