// Subgraph CPU per call on the calls our gateway really sends, for a varied mix of client requests.
//
//   node bench/experiments/subgraph-cost.mjs [--requests=3000] [--rounds=3] [--conc=8]
//        [--alt=/tmp/before]   also run the subgraphs of another copy of the repo (its dist/), A/B alternated
//        [--profile]           run this repo's subgraphs with --cpu-prof and summarise each
//
// 1. A database with the demo world; the three subgraphs; our gateway pointed at recording proxies.
// 2. `--requests` client requests, drawn at random over 8 operations, every id, page size, filter and
//    period varied, from ~90 viewers (STAFF of different communities, ANALYST, RESIDENT, anonymous),
//    go through the gateway; the proxies keep every subgraph call (body and viewer).
// 3. Those calls are replayed straight to each subgraph (signed afresh per call, as the gateway
//    signs), `--conc` at a time, round after round; CPU per call is the process's utime+stime
//    delta (/proc/<pid>/stat) over the calls. With --alt both builds answer every call and their
//    answers are compared byte for byte.
import { readFileSync } from 'node:fs';
import { createServer, request as httpRequest } from 'node:http';
import { join } from 'node:path';
import { ROOT, require, fmt, freePort, median, startChild, table, waitHttp } from '../lib/util.mjs';
import { summariseProfile } from '../lib/profile.mjs';

const args = process.argv.slice(2);
const arg = (name, dflt) => {
  const a = args.find((x) => x.startsWith(`--${name}=`));
  return a ? a.slice(name.length + 3) : dflt;
};
const REQUESTS = Number(arg('requests', 3000));
const ROUNDS = Number(arg('rounds', 3));
const CONC = Number(arg('conc', 8));
const ALT = arg('alt', null);
const PROFILE = args.includes('--profile');
const SUBS = ['sessions', 'issues', 'volunteering'];
const SECRETS = { JWT_SECRET: 'bench-jwt-secret-0123456789abcdef', GATEWAY_SECRET: 'bench-gateway-secret-0123456789abcdef' };
const shared = require('@plaza/shared');
const { createTestDatabase } = require('@plaza/shared/testing');
const { Client } = require('pg');
const say = (m) => console.error(`[subgraph-cost] ${m}`);
const TICK_MS = 1000 / 100; // USER_HZ

const children = [];
let db;
const cleanup = async () => {
  for (const c of children.reverse()) await c.stop().catch(() => {});
  await db?.drop().catch(() => {});
};
process.once('SIGINT', () => void cleanup().then(() => process.exit(130)));

const cpuMs = (pid) => {
  const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) * TICK_MS; // utime, stime
};

const pick = (xs) => xs[Math.floor(Math.random() * xs.length)];
const rint = (a, b) => a + Math.floor(Math.random() * (b - a + 1));

async function startSubgraphs(root, tag, base, nodeArgs = () => []) {
  const ports = await Promise.all(SUBS.map(() => freePort()));
  const procs = SUBS.map((name, i) => startChild(`${tag}-${name}`, [join(root, 'services', name, 'dist', 'index.js')], { ...base, PORT: String(ports[i]) }, { cwd: root, nodeArgs: nodeArgs(name) }));
  children.push(...procs);
  await Promise.all(procs.map((c, i) => waitHttp(`http://127.0.0.1:${ports[i]}/ready`, { child: c })));
  return Object.fromEntries(SUBS.map((n, i) => [n, { port: ports[i], proc: procs[i] }]));
}

/** A proxy that forwards to `port` and keeps each POST /graphql body with its identity header. */
function recordingProxy(name, port, calls) {
  const server = createServer((req, res) => {
    const chunks = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      if (req.method === 'POST' && req.url === '/graphql') calls.push({ sub: name, identity: req.headers[shared.IDENTITY_HEADER], body: body.toString('utf8') });
      const up = httpRequest({ host: '127.0.0.1', port, method: req.method, path: req.url, headers: req.headers }, (ur) => {
        res.writeHead(ur.statusCode, ur.headers);
        ur.pipe(res);
      });
      up.on('error', () => res.destroy());
      up.end(body);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve({ server, port: server.address().port })));
}

const OPEN = ['SUBMITTED', 'CLAIMED', 'IN_PROGRESS', 'FEEDBACK_GIVEN', 'RECTIFYING'];
const CATS = ['OLD_COMMUNITY_RENOVATION', 'ENVIRONMENT_SANITATION'];

/** The client mix: what a community console, a phone and an analyst send, every argument varied. */
function clientMix(ids) {
  const period = () => {
    const m = rint(1, 10);
    return { from: `2025-${String(m).padStart(2, '0')}-01`, to: `2025-${String(m + rint(0, 2)).padStart(2, '0')}-28` };
  };
  const ops = [
    () => ({
      query: `query OpenRequests($id: ID!, $n: Int, $st: [IssueStatus!]) { community(id: $id) { id name subdistrict
        issues(filter: { statuses: $st }, first: $n) { totalCount edges { node { id title status category supportCount raisedAt
          session { id title theme { id title } } assistingTeams { id name kind } } } } } }`,
      variables: { id: pick(ids.communities), n: rint(5, 25), st: OPEN.filter(() => Math.random() < 0.7) },
    }),
    () => ({
      query: `query IssueDetail($id: ID!, $n: Int) { issue(id: $id) { id title description status level category raisedAt raisedBy supportCount viewerSupports overdue
        community { id name } session { id title scheduledAt } assistingTeams { id name memberCount }
        timeline(first: $n) { edges { cursor node { kind at actor note } } pageInfo { hasNextPage endCursor } } } }`,
      variables: { id: pick(ids.issues), n: rint(5, 50) },
    }),
    () => ({
      query: `query SessionDetail($id: ID!, $n: Int) { session(id: $id) { id title status venue scheduledAt community { id name }
        theme { id title relatedIssues { id title } } attendance { total } issues(first: $n) { totalCount edges { node { id title status } } }
        activities { id title team { name } } } }`,
      variables: { id: pick(ids.sessions), n: rint(3, 20) },
    }),
    () => ({
      query: `query Sessions($c: ID, $n: Int, $from: Date, $to: Date) { sessions(communityId: $c, first: $n, from: $from, to: $to) { totalCount
        edges { node { id title status scheduledAt community { name } theme { title } attendance { total } } } } }`,
      variables: { c: pick(ids.communities), n: rint(3, 20), ...period() },
    }),
    () => ({
      query: `query Team($id: ID!, $n: Int) { volunteerTeam(id: $id) { id name kind leader memberCount community { id name }
        members(first: $n) { totalCount edges { node { name isPartyMember } } }
        activities(first: $n) { totalCount edges { node { title heldAt session { title } issue { title status } } } } } }`,
      variables: { id: pick(ids.teams), n: rint(3, 15) },
    }),
    () => ({
      query: `query Activities($c: ID, $n: Int, $from: Date, $to: Date) { activities(communityId: $c, first: $n, from: $from, to: $to) { totalCount
        edges { node { id title heldAt beneficiaries team { name } community { name } session { title } issue { title status } } } } }`,
      variables: { c: Math.random() < 0.8 ? pick(ids.communities) : null, n: rint(5, 30), ...period() },
    }),
    () => ({
      query: `query Overview($scope: ID, $from: Date, $to: Date) { overview(scope: $scope, from: $from, to: $to) { scope from to
        sessionsHeld totalAttendance issuesRaised issuesResolved resolutionRate volunteerTeams activities volunteerHours } }`,
      variables: { scope: Math.random() < 0.3 ? 'city' : pick(ids.communities), ...period() },
    }),
    () => ({
      query: `query Issues($c: ID, $cat: [IssueCategory!], $n: Int) { issues(filter: { communityId: $c, categories: $cat }, first: $n) { totalCount
        edges { node { id title status community { name } session { title } assistingTeams { name } } } } }`,
      variables: { c: pick(ids.communities), cat: Math.random() < 0.5 ? [pick(CATS)] : null, n: rint(5, 30) },
    }),
  ];
  return () => pick(ops)();
}

async function main() {
  db = await createTestDatabase('sgcost');
  say(`database ${db.name}; seeding…`);
  const { seedDemoWorld } = await import('../../scripts/seed-demo.mjs');
  await seedDemoWorld(db.url, () => {});
  const pg = new Client({ connectionString: db.url });
  await pg.connect();
  const col = async (sql) => (await pg.query(sql)).rows.map((r) => r.id);
  const ids = {
    communities: await col('SELECT id FROM sessions.community'),
    sessions: await col('SELECT id FROM sessions.session'),
    issues: await col('SELECT id FROM issues.issue'),
    teams: await col('SELECT id FROM volunteering.volunteer_team'),
  };
  await pg.end();
  say(`${ids.communities.length} communities, ${ids.sessions.length} sessions, ${ids.issues.length} issues, ${ids.teams.length} teams`);

  const base = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: process.env.LOG_LEVEL || 'info',
    DATABASE_URL: db.url,
    HOST: '127.0.0.1',
    PLAZA_CHANNEL_PREFIX: `sgcost_${db.name.slice(-8)}`,
    REDIS_URL: shared.DEFAULT_REDIS_URL,
    ...SECRETS,
  };
  const profDir = join(ROOT, 'bench', 'results', `sgprof-${Date.now()}`);
  const cur = await startSubgraphs(ROOT, 'cur', base, (n) => (PROFILE ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${n}.cpuprofile`] : []));
  const alt = ALT ? await startSubgraphs(ALT, 'alt', base) : null;

  // Capture: the gateway (this repo's) sends its real plans through recording proxies.
  const calls = [];
  const proxies = Object.fromEntries(await Promise.all(SUBS.map(async (n) => [n, await recordingProxy(n, cur[n].port, calls)])));
  const gp = await freePort();
  const purl = (n) => `http://127.0.0.1:${proxies[n].port}/graphql`;
  const gw = startChild('gateway', [join(ROOT, 'gateway', 'dist', 'index.js')], {
    ...base,
    PORT: String(gp),
    SESSIONS_URL: purl('sessions'),
    ISSUES_URL: purl('issues'),
    VOLUNTEERING_URL: purl('volunteering'),
  });
  children.push(gw);
  await waitHttp(`http://127.0.0.1:${gp}/ready`, { child: gw });

  const tokens = [null];
  for (let i = 0; i < 50; i++) {
    const cs = [pick(ids.communities), ...(i % 5 === 0 ? [pick(ids.communities)] : [])];
    tokens.push(await shared.signToken({ sub: `staff-${i}`, roles: ['STAFF'], communities: cs }, SECRETS.JWT_SECRET));
  }
  for (let i = 0; i < 10; i++) tokens.push(await shared.signToken({ sub: `analyst-${i}`, roles: ['ANALYST'] }, SECRETS.JWT_SECRET));
  for (let i = 0; i < 30; i++) tokens.push(await shared.signToken({ sub: `resident-${i}`, roles: ['RESIDENT'] }, SECRETS.JWT_SECRET));
  const next = clientMix(ids);
  let sent = 0;
  let errors = 0;
  const firstErrors = [];
  await Promise.all(
    Array.from({ length: 10 }, async () => {
      while (sent < REQUESTS) {
        sent++;
        const token = Math.random() < 0.1 ? null : pick(tokens.slice(1));
        const res = await fetch(`http://127.0.0.1:${gp}/graphql`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
          body: JSON.stringify(next()),
        });
        const j = await res.json();
        if (j.errors) {
          errors++;
          if (firstErrors.length < 3) firstErrors.push(JSON.stringify(j.errors).slice(0, 300));
        }
      }
    }),
  );
  await gw.stop();
  for (const p of Object.values(proxies)) p.server.close();
  say(`${REQUESTS} client requests (${errors} with errors${firstErrors.length ? `: ${firstErrors.join(' | ')}` : ''}) → ${calls.length} subgraph calls`);

  const viewers = new Map();
  const viewerOf = (identity) => {
    let v = viewers.get(identity);
    if (!v) viewers.set(identity, (v = JSON.parse(Buffer.from(identity, 'base64url').toString('utf8'))));
    return v;
  };
  const bySub = Object.fromEntries(SUBS.map((n) => [n, calls.filter((c) => c.sub === n).map((c) => ({ viewer: viewerOf(c.identity), body: c.body }))]));

  async function replay(port, list) {
    const answers = new Array(list.length);
    let i = 0;
    await Promise.all(
      Array.from({ length: CONC }, async () => {
        while (i < list.length) {
          const k = i++;
          const c = list[k];
          const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
            method: 'POST',
            headers: { 'content-type': 'application/json', ...shared.signIdentity(c.viewer, SECRETS.GATEWAY_SECRET) },
            body: c.body,
          });
          answers[k] = `${res.status} ${res.headers.get('cache-control')} ${await res.text()}`;
        }
      }),
    );
    return answers;
  }
  async function measure(target, name) {
    const { port, proc } = target[name];
    const before = cpuMs(proc.pid);
    const t0 = performance.now();
    const answers = await replay(port, bySub[name]);
    return { ms: (cpuMs(proc.pid) - before) / bySub[name].length, wall: performance.now() - t0, answers };
  }

  const variants = [['cur', cur], ...(alt ? [['alt', alt]] : [])];
  say('warm-up');
  for (const [, t] of variants) for (const n of SUBS) await measure(t, n);
  const results = Object.fromEntries(variants.map(([k]) => [k, Object.fromEntries(SUBS.map((n) => [n, []]))]));
  let mismatches = 0;
  const firstMismatch = [];
  for (let r = 0; r < ROUNDS; r++) {
    const order = r % 2 ? [...variants].reverse() : variants;
    for (const n of SUBS) {
      const got = {};
      for (const [k, t] of order) {
        const m = await measure(t, n);
        results[k][n].push(m.ms);
        got[k] = m.answers;
      }
      if (got.alt) {
        got.cur.forEach((a, i) => {
          if (a !== got.alt[i]) {
            mismatches++;
            if (firstMismatch.length < 3) firstMismatch.push(`${n} #${i}\n  call: ${bySub[n][i].body.slice(0, 300)}\n  cur: ${a.slice(0, 400)}\n  alt: ${got.alt[i].slice(0, 400)}`);
          }
        });
      }
      say(`round ${r + 1} ${n}: ${variants.map(([k]) => `${k} ${fmt(results[k][n].at(-1), 3)} ms/call`).join(', ')}`);
    }
  }

  const rows = SUBS.map((n) => {
    const c = results.cur[n];
    const row = [n, bySub[n].length, `${fmt(median(c), 3)} (${fmt(Math.min(...c), 3)}–${fmt(Math.max(...c), 3)})`];
    if (alt) {
      const a = results.alt[n];
      row.push(`${fmt(median(a), 3)} (${fmt(Math.min(...a), 3)}–${fmt(Math.max(...a), 3)})`, fmt(median(c) / median(a), 2));
    }
    return row;
  });
  const total = (k) => SUBS.reduce((s, n) => s + median(results[k][n]) * bySub[n].length, 0) / calls.length;
  console.log(`\n${REQUESTS} client requests → ${calls.length} subgraph calls (${SUBS.map((n) => `${n} ${bySub[n].length}`).join(', ')}); ${ROUNDS} rounds, ${CONC} at a time\n`);
  console.log(table(['subgraph', 'calls', 'this repo: CPU ms/call median (range)', ...(alt ? [`${ALT}: CPU ms/call`, 'ratio'] : [])], rows));
  console.log(`\nall subgraphs, weighted: this repo ${fmt(total('cur'), 3)} ms/call${alt ? `, alt ${fmt(total('alt'), 3)} ms/call` : ''}`);
  if (alt) console.log(`answers compared: ${mismatches} differ${firstMismatch.length ? `\n${firstMismatch.join('\n')}` : ''}`);

  await cleanup();
  if (PROFILE) for (const n of SUBS) console.log(`\n### ${n}\n\n${summariseProfile(join(profDir, `${n}.cpuprofile`), 30)}`);
}

main().catch(async (e) => {
  console.error(e);
  await cleanup();
  process.exit(1);
});
