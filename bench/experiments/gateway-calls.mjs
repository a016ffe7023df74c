// Two builds of our gateway on the same subgraphs, on a varied mix (distinct ids, page sizes and
// viewers), A/B alternated: subgraph HTTP requests and operations per client request, CPU ms per
// request of the gateway and of the subgraphs (from /proc), and whether the answers are identical.
//
//   node bench/experiments/gateway-calls.mjs [--base=/path/to/gateway/dist] [--seconds=8] [--rounds=2] [--profile]
//
// --base: another gateway build (e.g. a copy of gateway/dist from before a change; it must sit
// where it resolves node_modules and ../supergraph.graphql). Without it only this build runs.
// --profile: this build's gateway runs with --cpu-prof (the profile lands in bench/results/).
import { readFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, require, canonical, fmt, freePort, sleep, startChild, table, waitHttp } from '../lib/util.mjs';

const arg = (name, dflt) => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
};
const BASE = arg('base', null);
const SECONDS = Number(arg('seconds', 8));
const ROUNDS = Number(arg('rounds', 2));
const CONNECTIONS = Number(arg('connections', 32));
const PROFILE = process.argv.includes('--profile');
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', GATEWAY_SECRET: 'bench-gateway-secret-0123456789abcdef' };
const shared = require('@plaza/shared');
const { createTestDatabase } = require('@plaza/shared/testing');
const { Client } = require('pg');
const say = (m) => console.error(`[calls] ${m}`);

const HZ = 100; // USER_HZ: /proc/<pid>/stat counts clock ticks
const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return ((Number(f[11]) + Number(f[12])) * 1000) / HZ; // utime + stime
};
const metric = async (url, name, labels) => {
  const text = await (await fetch(new URL('/metrics', url))).text();
  let sum = 0;
  for (const line of text.split('\n')) if (line.startsWith(name) && labels.every((l) => line.includes(l))) sum += Number(line.split(' ').pop());
  return sum;
};

const OPS = {
  issueDetail: `query IssueDetail($id: ID!, $n: Int) { issue(id: $id) { id title status category supportCount raisedAt overdue
    community { id name subdistrict } session { id title theme { title } } assistingTeams { id name }
    timeline(first: $n) { edges { node { kind at toStatus } } } } }`,
  communityIssues: `query CommunityIssues($id: ID!, $n: Int) { community(id: $id) { id name
    issues(first: $n) { totalCount edges { node { id title status supportCount session { id title } assistingTeams { name } } } } } }`,
  issues: `query Issues($n: Int, $c: ID) { issues(filter: { communityId: $c }, first: $n) { totalCount edges { node { id title
    community { name } session { title } assistingTeams { name } } } } }`,
  sessions: `query Sessions($c: ID, $n: Int) { sessions(communityId: $c, first: $n) { edges { node { id title status community { name }
    theme { title } issues(first: 3) { totalCount edges { node { title } } } activities { title } } } } }`,
  activities: `query Activities($c: ID, $n: Int) { activities(communityId: $c, first: $n) { edges { node { id title team { name } community { name }
    session { title } issue { title status } } } } }`,
  session: `query Session($id: ID!) { session(id: $id) { id title status community { id name } theme { title }
    issues(first: 5) { edges { node { id title community { name } } } } activities { title } } }`,
};

async function main() {
  const db = await createTestDatabase('calls');
  const children = [];
  const pg = new Client({ connectionString: db.url });
  try {
    const { seedDemoWorld } = await import('../../scripts/seed-demo.mjs');
    await seedDemoWorld(db.url, () => {});
    await pg.connect();
    const ids = async (sql) => (await pg.query(sql)).rows.map((r) => r.id);
    const communities = await ids('SELECT id FROM sessions.community ORDER BY id');
    const issues = await ids('SELECT id FROM issues.issue ORDER BY id LIMIT 3000');
    const sessions = await ids('SELECT id FROM sessions.session ORDER BY id LIMIT 2000');
    say(`${communities.length} communities, ${issues.length} issues, ${sessions.length} sessions`);

    const [sp, ip, vp] = await Promise.all([freePort(), freePort(), freePort()]);
    const url = (p) => `http://127.0.0.1:${p}/graphql`;
    const env = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL || shared.DEFAULT_REDIS_URL,
      PLAZA_CHANNEL_PREFIX: `calls_${db.name.slice(-8)}`,
      HOST: '127.0.0.1',
      SESSIONS_URL: url(sp),
      ISSUES_URL: url(ip),
      VOLUNTEERING_URL: url(vp),
      ...SECRETS,
    };
    const subs = [
      ['sessions', sp],
      ['issues', ip],
      ['volunteering', vp],
    ].map(([name, port]) => ({
      name,
      port,
      child: startChild(name, [join(ROOT, 'services', name, 'dist', 'index.js')], { ...env, PORT: String(port) }),
    }));
    children.push(...subs.map((s) => s.child));
    await Promise.all(subs.map((s) => waitHttp(`http://127.0.0.1:${s.port}/ready`, { child: s.child })));
    const profDir = join(ROOT, 'bench', 'results', `calls-prof-${Date.now()}`);
    if (PROFILE) mkdirSync(profDir, { recursive: true });
    const gateways = [];
    for (const [key, dist] of [['this', join(ROOT, 'gateway', 'dist')], ...(BASE ? [['base', BASE]] : [])]) {
      const port = await freePort();
      const nodeArgs = PROFILE && key === 'this' ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, '--cpu-prof-name=gateway.cpuprofile'] : [];
      const child = startChild(`gateway-${key}`, [join(dist, 'index.js')], { ...env, PORT: String(port) }, { nodeArgs });
      children.push(child);
      await waitHttp(`http://127.0.0.1:${port}/ready`, { child });
      gateways.push({ key, url: url(port), child });
    }

    // 60 viewers of every role, each with a token of its own.
    const viewers = [{ token: null }];
    for (let i = 0; i < 60; i++) {
      const roles = [['STAFF'], ['ANALYST'], ['RESIDENT']][i % 3];
      const comms = roles[0] === 'STAFF' ? [communities[i % communities.length]] : [];
      viewers.push({ token: await shared.signToken({ sub: `viewer-${i}`, roles, communities: comms }, SECRETS.JWT_SECRET) });
    }
    const pick = (xs, i) => xs[(i * 7919) % xs.length];
    const requests = [];
    const names = Object.keys(OPS);
    for (let i = 0; i < 12_000; i++) {
      const op = names[i % names.length];
      const n = 3 + (i % 17);
      const c = pick(communities, i);
      const variables = {
        issueDetail: { id: pick(issues, i), n },
        communityIssues: { id: c, n },
        issues: { n, c: i % 4 ? c : null },
        sessions: { c, n: 2 + (i % 9) },
        activities: { c, n },
        session: { id: pick(sessions, i) },
      }[op];
      const v = viewers[i % viewers.length];
      requests.push({ body: JSON.stringify({ query: OPS[op], variables }), headers: { 'content-type': 'application/json', ...(v.token ? { authorization: `Bearer ${v.token}` } : {}) } });
    }

    // The same 300 requests through every build: the answers must be the same bytes (modulo key order).
    if (gateways.length > 1) {
      let diff = 0;
      for (let i = 0; i < 300; i++) {
        const r = requests[(i * 37) % requests.length];
        const [a, b] = await Promise.all(gateways.map(async (g) => canonical(await (await fetch(g.url, { method: 'POST', headers: r.headers, body: r.body })).json())));
        if (a !== b) (diff++, diff < 3 && say(`DIFFERENT: ${r.body.slice(0, 200)}\n  ${a.slice(0, 300)}\n  ${b.slice(0, 300)}`));
      }
      say(`answers: ${300 - diff}/300 identical`);
    }

    const run = async (g) => {
      const before = {
        gw: cpuMs(g.child.pid),
        subs: subs.map((s) => cpuMs(s.child.pid)),
        http: await Promise.all(subs.map((s) => metric(url(s.port), 'plaza_http_requests_total', ['route="/graphql"']))),
        ops: await Promise.all(subs.map((s) => metric(url(s.port), 'plaza_graphql_requests_total', []))),
      };
      let done = 0;
      let errors = 0;
      let next = Math.floor(Math.random() * requests.length);
      const until = Date.now() + SECONDS * 1000;
      await Promise.all(
        Array.from({ length: CONNECTIONS }, async () => {
          while (Date.now() < until) {
            const r = requests[next++ % requests.length];
            const res = await fetch(g.url, { method: 'POST', headers: r.headers, body: r.body });
            const body = await res.json();
            if (res.status !== 200 || body.errors) errors++;
            done++;
          }
        }),
      );
      const http = await Promise.all(subs.map((s) => metric(url(s.port), 'plaza_http_requests_total', ['route="/graphql"'])));
      const ops = await Promise.all(subs.map((s) => metric(url(s.port), 'plaza_graphql_requests_total', [])));
      const sum = (xs) => xs.reduce((a, b) => a + b, 0);
      return {
        rps: done / SECONDS,
        errors,
        gwMs: (cpuMs(g.child.pid) - before.gw) / done,
        subMs: sum(subs.map((s, i) => cpuMs(s.child.pid) - before.subs[i])) / done,
        httpPerReq: (sum(http) - sum(before.http)) / done,
        opsPerReq: (sum(ops) - sum(before.ops)) / done,
      };
    };
    for (const g of gateways) await run({ ...g }).catch(() => {}); // warm-up
    const results = Object.fromEntries(gateways.map((g) => [g.key, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const g of r % 2 ? [...gateways].reverse() : gateways) {
        const x = await run(g);
        results[g.key].push(x);
        say(
          `round ${r + 1} ${g.key}: ${fmt(x.rps)} rps, gateway ${fmt(x.gwMs, 2)} ms CPU/req, subgraphs ${fmt(x.subMs, 2)} ms/req, ${fmt(x.httpPerReq, 2)} subgraph HTTP req/req, ${fmt(x.opsPerReq, 2)} ops/req, ${x.errors} with errors`,
        );
      }
    }
    const rows = gateways.map((g) => {
      const xs = results[g.key];
      const avg = (k) => xs.reduce((a, x) => a + x[k], 0) / xs.length;
      return [g.key, fmt(avg('rps')), fmt(avg('gwMs'), 2), fmt(avg('subMs'), 2), fmt(avg('httpPerReq'), 2), fmt(avg('opsPerReq'), 2), xs.map((x) => fmt(x.rps)).join(' / ')];
    });
    console.log(table(['gateway', 'RPS', 'gateway CPU ms/req', 'subgraphs CPU ms/req', 'subgraph HTTP req/req', 'subgraph ops/req', 'RPS per round'], rows));
  } finally {
    for (const c of children.reverse()) await c.stop().catch(() => {});
    await pg.end().catch(() => {});
    await db.drop().catch(() => {});
  }
}

await main();
await sleep(10);
