// The system under test of `npm run bench`: a database of its own with the demo year, every
// subgraph a process of its own (@plaza/shared/stack, as the process-mode tests start them),
// then our gateway, Hive Gateway and our gateway without in-flight sharing, started together.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, require, freePort, startChild, waitHttp } from './lib/util.mjs';

const shared = require('@plaza/shared');
const { entryOf, startProc, startSystemProcesses, waitReady } = require('@plaza/shared/stack');
const { createTestDatabase } = require('@plaza/shared/testing');
const { Client } = require('pg');

/**
 * o: { secrets, profile (Set of process names or null), profDir, say }
 * Returns { db, pg, urls, ours, hive, oursNoShare, hiveNoDedupe, byName, stop() }; stop() is safe to call twice.
 */
export async function startStack({ secrets, profile, profDir, say }) {
  const db = await createTestDatabase('bench');
  let pg = null;
  const children = [];
  let system = null;
  const stop = async () => {
    for (const c of children.splice(0).reverse()) await c.stop().catch(() => {});
    await system?.stop().catch(() => {});
    system = null;
    await pg?.end().catch(() => {});
    pg = null;
    await db.drop().catch((e) => say(`could not drop ${db.name}: ${e.message}`));
  };
  try {
    say(`database ${db.name}; seeding the demo world…`);
    const { seedDemoWorld } = await import('../scripts/seed-demo.mjs');
    await seedDemoWorld(db.url, (line) => say(line));
    pg = new Client({ connectionString: db.url });
    await pg.connect();

    const base = {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      DATABASE_URL: db.url,
      REDIS_URL: process.env.REDIS_URL || shared.DEFAULT_REDIS_URL,
      // Own channels, so a test run or `npm start` on the same Redis never sees the bench's events.
      PLAZA_CHANNEL_PREFIX: `bench_${db.name.slice(-8)}`,
      HOST: '127.0.0.1',
      ...secrets,
    };
    if (profile) mkdirSync(profDir, { recursive: true });
    const profFlags = (name) => (profile?.has(name) ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`, `--cpu-prof-name=${name}.cpuprofile`] : []);
    const exp = Object.fromEntries(
      Object.entries(process.env).filter(([k]) => k.startsWith('PLAZA_EXP_') || ['PLAZA_SHARE_INFLIGHT', 'PLAZA_BATCH_SUBGRAPH_CALLS', 'PLAZA_MULTIPLEX_SUBGRAPH_CALLS'].includes(k)),
    );
    // BENCH_SUBGRAPH_PRELOAD / BENCH_GATEWAY_PRELOAD (bench/experiments/*.cjs) measure a fix before it is made in the source.
    const subPreload = process.env.BENCH_SUBGRAPH_PRELOAD ? ['--require', process.env.BENCH_SUBGRAPH_PRELOAD] : [];
    const preload = process.env.BENCH_GATEWAY_PRELOAD ? ['--require', process.env.BENCH_GATEWAY_PRELOAD] : [];
    // BENCH_GATEWAY_NODE_ARGS, e.g. `--perf-basic-prof` for `perf record -p <pid>`: our gateway only.
    const gatewayArgs = process.env.BENCH_GATEWAY_NODE_ARGS?.split(' ').filter(Boolean) ?? [];
    system = await startSystemProcesses({
      env: { ...base, ...exp },
      nodeArgsOf: {
        sessions: [...subPreload, ...profFlags('sessions')],
        issues: [...subPreload, ...profFlags('issues')],
        volunteering: [...subPreload, ...profFlags('volunteering')],
      },
      gateway: false,
    });
    // The four gateways start together, each idle while the others are measured.
    const [gp, hp, np, hnp] = [await freePort(), await freePort(), await freePort(), await freePort()];
    const ours = startProc('gateway', entryOf('gateway'), { ...base, ...exp, ...system.urlEnv, PORT: String(gp) }, { nodeArgs: [...preload, ...gatewayArgs, ...profFlags('gateway')] });
    const hive = startChild('hive', [join(ROOT, 'bench', 'hive-gateway.mjs')], { ...base, ...system.urlEnv, PORT: String(hp) });
    // Section 1 also runs our gateway without in-flight sharing (a process of its own, idle otherwise).
    const noshare = startChild(
      'gateway-noshare',
      [join(ROOT, 'gateway', 'dist', 'index.js')],
      { ...base, ...exp, ...system.urlEnv, PLAZA_SHARE_INFLIGHT: '0', PORT: String(np) },
      { nodeArgs: preload },
    );
    // Hive with its in-flight deduplication of subgraph calls off: what ours without sharing compares with like for like.
    const hiveNoDedupe = startChild('hive-nodedupe', [join(ROOT, 'bench', 'hive-gateway.mjs')], { ...base, ...system.urlEnv, HIVE_DEDUPE: '0', PORT: String(hnp) });
    children.push(ours, hive, noshare, hiveNoDedupe);
    await waitReady(`http://127.0.0.1:${gp}/ready`, ours);
    await waitHttp(`http://127.0.0.1:${hp}/readiness`, { child: hive });
    await waitHttp(`http://127.0.0.1:${np}/ready`, { child: noshare });
    await waitHttp(`http://127.0.0.1:${hnp}/readiness`, { child: hiveNoDedupe });
    const o = { ...system.origins, gateway: `http://127.0.0.1:${gp}` };
    say(`up: ours ${o.gateway}, hive :${hp}, ours without sharing :${np}, subgraphs ${o.sessions} ${o.issues} ${o.volunteering}`);
    const urls = { sessions: `${o.sessions}/graphql`, issues: `${o.issues}/graphql`, volunteering: `${o.volunteering}/graphql` };
    return {
      db,
      pg,
      urls,
      ours: `${o.gateway}/graphql`,
      hive: `http://127.0.0.1:${hp}/graphql`,
      oursNoShare: `http://127.0.0.1:${np}/graphql`,
      hiveNoDedupe: `http://127.0.0.1:${hnp}/graphql`,
      byName: { ...system.byName, gateway: ours, hive, noshare, hiveNoDedupe },
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Ids the sections aim at: the busiest community, the longest timeline, the newest open requests. */
export async function fixtures(pg) {
  const open = `('SUBMITTED','CLAIMED','IN_PROGRESS','FEEDBACK_GIVEN','RECTIFYING')`;
  const { rows: c } = await pg.query(`SELECT community_id FROM issues.issue WHERE status IN ${open} GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
  const { rows: i } = await pg.query(`SELECT issue_id FROM issues.issue_event GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1`);
  const { rows: hot } = await pg.query(`SELECT id FROM issues.issue WHERE status IN ${open} ORDER BY raised_at DESC, id LIMIT 40`);
  if (!c.length || !i.length) throw new Error('the demo world has no open requests: did seeding work?');
  return { communityId: c[0].community_id, issueId: i[0].issue_id, hot: hot.map((r) => r.id) };
}
