// Section 1 of `npm run bench`: federated query throughput, on a mixed workload first (distinct
// requests from many viewers, bench/mix/) and on identical requests second, through our gateway,
// Hive Gateway and (for operations one subgraph answers alone) that subgraph directly, A/B
// alternated per round. Each run is metered from outside the processes (bench/lib/meter.mjs).
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { rmSync } from 'node:fs';
import { ROOT, require, canonical, fmt, median, ratio, runJsonChild, table } from '../lib/util.mjs';
import { createMeter } from '../lib/meter.mjs';
import { procAvailable } from '../lib/proc-cpu.mjs';
import { throughputOps } from '../operations.mjs';
import { MIX_OPS } from '../mix/operations.mjs';
import { buildMix, seededRandom, writeMix } from '../mix/requests.mjs';

const shared = require('@plaza/shared');
const ANON = { id: null, name: null, roles: [], communityIds: [] };
const LOAD = join(ROOT, 'bench', 'load.mjs');
const verdict = (ok) => (ok ? 'PASS' : 'MISS');
const TIERS = ['gateway', 'sessions', 'issues', 'volunteering', 'postgres'];
/** Operations of the mix one subgraph answers alone (all of them in the issues subgraph). */
const ISSUES_ONLY = MIX_OPS.filter((op) => op.direct === 'issues').map((op) => op.name);

async function post(url, body, headers = {}) {
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body });
  const text = await res.text();
  let json = null;
  try {
    json = JSON.parse(text);
  } catch {}
  return { status: res.status, text, json };
}

/**
 * ctx: { stack, fixtures, pg, database, cfg: { rounds, durationSec, identicalSec, warmSec }, connections,
 *        ops (Set of part names or null), secrets, say, section }
 */
export async function throughput(ctx) {
  const { stack, say, secrets, cfg } = ctx;
  const want = (name) => !ctx.ops || ctx.ops.has(name);
  const meter = createMeter({
    pg: ctx.pg,
    database: ctx.database,
    subgraphs: Object.fromEntries(['sessions', 'issues', 'volunteering'].map((n) => [n, { pid: stack.byName[n].pid, metricsUrl: stack.urls[n].replace(/\/graphql$/, '/metrics') }])),
  });
  if (!procAvailable()) say('no /proc here: CPU per tier is not measured');
  const gw = {
    ours: { key: 'ours', url: stack.ours, pid: stack.byName.gateway.pid },
    hive: { key: 'hive', url: stack.hive, pid: stack.byName.hive.pid },
    noshare: { key: 'ours, PLAZA_SHARE_INFLIGHT=0', url: stack.oursNoShare, pid: stack.byName.noshare.pid },
    hiveNoDedupe: { key: 'Hive, deduplication off', url: stack.hiveNoDedupe, pid: stack.byName.hiveNoDedupe.pid },
  };

  /** One metered load run. */
  async function measure(target, job, durationSec) {
    const before = await meter.snapshot(target.pid);
    const res = await runJsonChild(LOAD, { connections: ctx.connections, durationSec, ...job });
    const after = await meter.snapshot(target.pid);
    // Every request sent was answered (or failed) before the loader exited: all are metered.
    return { ...res, ...meter.diff(before, after, res.sent) };
  }

  // ---- the mixed workload
  const parts = [];
  let mixFile = null;
  let mixSummary = null;
  let sample = null;
  if (want('mixed') || want('issuesMix')) {
    say('mix: building the request set from the demo world');
    const mix = await buildMix(ctx.pg, { signToken: shared.signToken, jwtSecret: secrets.JWT_SECRET });
    mixFile = join(tmpdir(), `plaza-bench-mix-${process.pid}.json`);
    mixSummary = writeMix(mixFile, mix);
    sample = await compareSample(mix, { gw, stack, secrets, size: 200 });
    const bearer = (t) => ({ url: t.url, mixFile, auth: 'bearer' });
    if (want('mixed')) {
      parts.push({
        name: 'mixed',
        title: `mixed workload (${mix.requests.length.toLocaleString('en')} distinct requests, ${MIX_OPS.length} operations, all roles)`,
        headline: true,
        targets: [gw.ours, gw.hive].map((t) => ({ ...t, job: bearer(t) })),
      });
    }
    if (want('issuesMix')) {
      const ops = ISSUES_ONLY;
      parts.push({
        name: 'issuesMix',
        title: `mixed, single-subgraph operations only (${ops.join(', ')}: ${mix.requests.filter((r) => ops.includes(r.op)).length.toLocaleString('en')} distinct requests)`,
        targets: [
          ...[gw.ours, gw.hive].map((t) => ({ ...t, job: { ...bearer(t), ops } })),
          { key: 'direct (issues)', url: stack.urls.issues, pid: null, job: { url: stack.urls.issues, mixFile, auth: 'sign', secret: secrets.GATEWAY_SECRET, ops } },
        ],
      });
    }
  }

  // ---- identical requests (one operation, one body, 50 connections)
  const identical = [];
  const checks = [];
  for (const op of throughputOps(ctx.fixtures).filter((o) => want(o.short))) {
    const targets = [gw.ours, gw.hive, gw.noshare, gw.hiveNoDedupe, ...(op.direct ? [{ key: `direct (${op.direct})`, url: stack.urls[op.direct], pid: null, sign: true }] : [])];
    const body = JSON.stringify({ query: op.query, variables: op.variables });
    const answers = {};
    for (const t of targets) {
      const sign = t.sign ? { viewer: ANON, secret: secrets.GATEWAY_SECRET } : undefined;
      const r = await post(t.url, body, sign ? shared.signIdentity(sign.viewer, sign.secret) : {});
      if (!r.json || r.json.errors?.length || !r.json.data) throw new Error(`${op.short} via ${t.key}: ${r.text.slice(0, 500)}`);
      answers[t.key] = canonical(r.json.data);
      // The exact bytes each target answered: every response of the run must equal them.
      t.job = { url: t.url, body, sign, expectBody: r.text };
    }
    const same = new Set(Object.values(answers)).size === 1;
    checks.push([op.name, Object.keys(answers).join(' = '), same ? 'identical' : 'DIFFERENT', verdict(same)]);
    const part = { name: op.short, title: op.name, identical: true, targets: targets.map((t) => ({ ...t })) };
    identical.push(part);
    parts.push(part);
  }

  if (!parts.length) throw new Error(`--ops=${[...ctx.ops].join(',')}: no workload of section 1 has that name`);

  // ---- warm-up, then rounds with the order of targets flipped every round
  const seconds = (p) => (p.identical ? cfg.identicalSec : cfg.durationSec);
  // Warm-up on the mix only: it runs every process's hot paths; each identical operation has
  // already been planned by every target (the answer check above).
  say('throughput: warm-up');
  for (const p of parts.filter((x) => !x.identical)) for (const t of p.targets) await runJsonChild(LOAD, { connections: ctx.connections, durationSec: cfg.warmSec, ...t.job });
  if (!parts.some((x) => !x.identical))
    for (const t of Object.values(gw)) await runJsonChild(LOAD, { connections: ctx.connections, durationSec: cfg.warmSec, ...parts[0].targets.find((x) => x.url === t.url).job });
  for (let r = 0; r < cfg.rounds; r++) {
    for (const p of parts) {
      const order = r % 2 ? [...p.targets].reverse() : p.targets;
      for (const t of order) {
        const res = await measure(t, t.job, seconds(p));
        (t.runs ??= []).push(res);
        say(
          `round ${r + 1} ${p.name} ${t.key}: ${fmt(res.rps)} rps p50 ${res.p50} p99 ${res.p99}, CPU ${fmt(res.cpu.total, 2)} ms/req, ${fmt(res.calls.total, 2)} calls/req, ${fmt(res.sql.total, 2)} SQL/req (bad ${res.non2xx + res.errors + res.timeouts + res.mismatches})`,
        );
      }
    }
  }
  if (mixFile) rmSync(mixFile, { force: true });

  // ---- report
  const agg = (t) => {
    const runs = t.runs;
    const m = (f) => median(runs.map(f));
    return {
      rps: m((x) => x.rps),
      p50: m((x) => x.p50),
      p99: m((x) => x.p99),
      cpu: Object.fromEntries([...TIERS, 'total'].map((k) => [k, m((x) => x.cpu[k])])),
      calls: Object.fromEntries(['sessions', 'issues', 'volunteering', 'total'].map((k) => [k, m((x) => x.calls[k])])),
      sql: m((x) => x.sql.total),
      bad: runs.reduce((s, x) => s + x.non2xx + x.errors + x.timeouts + x.mismatches, 0),
      lost: runs.reduce((s, x) => s + x.lostBackends, 0),
    };
  };
  const row = (p, t, a) => [
    ...(p ? [p] : []),
    t.key,
    t.runs.map((x) => fmt(x.rps)).join(' / '),
    fmt(a.rps),
    fmt(a.p50),
    fmt(a.p99),
    ...TIERS.map((k) => (k === 'gateway' && t.pid === null ? '—' : fmt(a.cpu[k], 2))),
    fmt(a.cpu.total, 2),
    `${fmt(a.calls.total, 2)} (${fmt(a.calls.sessions, 1)}/${fmt(a.calls.issues, 1)}/${fmt(a.calls.volunteering, 1)})`,
    // Subgraphs called but no statement counted: their data sources no longer count (logging off?).
    a.sql > 0 || !(a.calls.total > 0) ? fmt(a.sql, 1) : 'not counted',
    a.bad,
  ];
  const cols = [
    'RPS per round',
    'RPS (median)',
    'p50 ms',
    'p99 ms',
    'CPU ms/req gateway',
    'sessions',
    'issues',
    'volunteering',
    'PostgreSQL',
    'all tiers',
    'subgraph calls/req (s/i/v)',
    'SQL/req',
    'bad responses',
  ];
  const verdicts = [];
  const blocks = [];

  const mixParts = parts.filter((p) => !p.identical);
  if (mixParts.length) {
    const rows = [];
    for (const p of mixParts) {
      const a = Object.fromEntries(p.targets.map((t) => [t.key, agg(t)]));
      for (const t of p.targets) rows.push(row(p.name, t, a[t.key]));
      const ours = a.ours;
      const hive = a.hive;
      if (p.name === 'mixed') {
        const x = ratio(ours.rps, hive.rps);
        verdicts.push(['mixed', 'ours ≥ 1.5× Hive RPS, p99 no worse', `${fmt(x, 2)}× ; p99 ${fmt(ours.p99)} vs ${fmt(hive.p99)} ms`, verdict(x >= 1.5 && ours.p99 <= hive.p99)]);
        verdicts.push(['mixed', '≤ 8 ms CPU per request, all tiers (ours)', `${fmt(ours.cpu.total, 2)} ms (Hive ${fmt(hive.cpu.total, 2)})`, verdict(ours.cpu.total <= 8)]);
        verdicts.push(['mixed', "subgraph calls per request fewer than Hive's", `${fmt(ours.calls.total, 2)} vs ${fmt(hive.calls.total, 2)}`, verdict(ours.calls.total < hive.calls.total)]);
      } else {
        const d = a['direct (issues)'];
        verdicts.push([p.name, 'ours ≥ 0.7× direct', `${fmt(ratio(ours.rps, d.rps), 2)}× (Hive ${fmt(ratio(hive.rps, d.rps), 2)}×)`, verdict(ratio(ours.rps, d.rps) >= 0.7)]);
      }
      const clean = Object.values(a).every((x) => x.bad === 0);
      verdicts.push([p.name, 'every response 200 without errors', clean ? 'all' : 'some failed', verdict(clean)]);
    }
    if (sample) verdicts.push(['mixed', `sampled answers identical across targets (${sample.size} requests)`, sample.summary, verdict(sample.ok)]);
    blocks.push(
      `### 1a. Mixed workload (headline): ${mixParts.map((p) => p.title).join('; ')}`,
      '',
      `Mix: ${Object.entries(mixSummary.viewersPerRole)
        .map(([k, v]) => `${v} ${k}`)
        .join(', ')} viewers + anonymous; requests by role ${Object.entries(mixSummary.perRole)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}; by operation ${Object.entries(mixSummary.perOp)
        .map(([k, v]) => `${k} ${v}`)
        .join(', ')}. Each request drawn at random from the set.`,
      '',
      table(['workload', 'target', ...cols], rows),
      ...(sample?.differences.length ? ['', 'Sampled answers that differ:', '', table(['operation', 'targets', 'first difference'], sample.differences.slice(0, 10))] : []),
    );
  }

  if (identical.length) {
    const rows = [];
    for (const p of identical) {
      const a = Object.fromEntries(p.targets.map((t) => [t.key, agg(t)]));
      for (const t of p.targets) rows.push(row(p.title, t, a[t.key]));
      const vs = (k) => ratio(a[k].rps, a.hive.rps);
      verdicts.push([
        p.title,
        'identical: ours ≥ 1.5× Hive RPS, p99 no worse',
        `${fmt(vs('ours'), 2)}× ; p99 ${fmt(a.ours.p99)} vs ${fmt(a.hive.p99)} ms`,
        verdict(vs('ours') >= 1.5 && a.ours.p99 <= a.hive.p99),
      ]);
      verdicts.push([p.title, 'identical, PLAZA_SHARE_INFLIGHT=0: ≥ 1.0× Hive (whose deduplication stays on)', `${fmt(vs(gw.noshare.key), 2)}×`, verdict(vs(gw.noshare.key) >= 1)]);
      // Like for like: neither shares identical subgraph calls. Shown, not a target of the issue.
      const fair = ratio(a[gw.noshare.key].rps, a[gw.hiveNoDedupe.key].rps);
      verdicts.push([p.title, 'identical, neither sharing: ours (PLAZA_SHARE_INFLIGHT=0) vs Hive with deduplication off', `${fmt(fair, 2)}×`, fair >= 1 ? 'ahead' : 'behind']);
      const direct = p.targets.find((t) => t.key.startsWith('direct'));
      if (direct) verdicts.push([p.title, 'ours ≥ 0.7× direct', `${fmt(ratio(a.ours.rps, a[direct.key].rps), 2)}×`, verdict(ratio(a.ours.rps, a[direct.key].rps) >= 0.7)]);
      const clean = Object.values(a).every((x) => x.bad === 0);
      verdicts.push([p.title, 'every response correct (2xx, same bytes)', clean ? 'all' : 'some failed/mismatched', verdict(clean)]);
    }
    blocks.push(
      '',
      `### 1b. Identical requests (one body from ${ctx.connections} connections; in-flight sharing collapses them)`,
      '',
      table(['operation', 'target', ...cols], rows),
      '',
      table(['operation', 'targets answered', 'data', 'check'], checks),
    );
  }
  const lost = parts.flatMap((p) => p.targets).reduce((s, t) => s + t.runs.reduce((q, x) => q + x.lostBackends, 0), 0);
  blocks.push(
    '',
    `Per request = over the run ÷ requests sent (the loader waits for those in flight at the end, so all were answered before the second reading). CPU: /proc utime+stime of each process (10 ms ticks); PostgreSQL = the backends connected to the bench database${lost ? ` (${lost} exited mid-run — pool connections closed after 10 s idle, so idle through a run of ≤ 10 s)` : ''}. Subgraph calls: HTTP requests each subgraph answered on /graphql (subgraph-to-subgraph calls included). SQL: statements counted by each subgraph's data source (BEGIN/COMMIT included). Medians over rounds.`,
    '',
    table(['workload', 'target', 'measured', 'verdict'], verdicts),
  );
  ctx.section(`1. Federated query throughput (${ctx.connections} connections, ${cfg.rounds} rounds × ${cfg.durationSec} s mixed / ${cfg.identicalSec} s identical, alternated)`, blocks.join('\n'));
}

/** `size` random requests of the mix through every target that can answer them: same JSON, no errors. */
async function compareSample(mix, { gw, stack, secrets, size }) {
  const rng = seededRandom(1234);
  const picked = Array.from({ length: size }, () => mix.requests[Math.floor(rng() * mix.requests.length)]);
  const differences = [];
  let same = 0;
  let withErrors = 0;
  const one = async (r) => {
    const viewer = r.v < 0 ? null : mix.viewers[r.v];
    const auth = viewer ? { authorization: `Bearer ${viewer.token}` } : {};
    const targets = [
      ['ours', gw.ours.url, auth],
      ['hive', gw.hive.url, auth],
      ...(ISSUES_ONLY.includes(r.op) ? [['direct', stack.urls.issues, shared.signIdentity(viewer?.viewer ?? ANON, secrets.GATEWAY_SECRET)]] : []),
    ];
    const answers = await Promise.all(targets.map(([, url, h]) => post(url, r.body, h)));
    const texts = answers.map((a) => (a.json ? canonical(a.json) : `HTTP ${a.status} ${a.text.slice(0, 200)}`));
    const errs = answers.some((a) => a.status !== 200 || !a.json || a.json.errors);
    if (errs) withErrors++;
    if (new Set(texts).size === 1 && !errs) return void same++;
    const at = [...texts[0]].findIndex((c, i) => texts.some((t) => t[i] !== c));
    differences.push([r.op, targets.map(([k]) => k).join(' vs '), texts.map((t, i) => `${targets[i][0]}: …${t.slice(Math.max(0, at - 40), at + 80)}`).join(' | ')]);
  };
  for (let i = 0; i < picked.length; i += 8) await Promise.all(picked.slice(i, i + 8).map(one));
  return { size, ok: same === size, differences, summary: `${same}/${size} identical${withErrors ? `, ${withErrors} with errors` : ''}` };
}
