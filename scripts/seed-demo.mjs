// `npm run seed:demo`: fills a database with the deterministic Jiaozhou demo world (shared/src/demo):
// a year (2025) of monthly night talks in 16 communities, their requests through every status,
// votes, volunteer teams, activities and cadre check-ins — Chinese text throughout. Each service
// seeds only its own schema, in one transaction, and skips when its demo rows are already there,
// so running it twice changes nothing.
//
//   DATABASE_URL=postgres://… npm run seed:demo      (default: postgres://postgres@127.0.0.1:5432/plaza)
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
require('reflect-metadata');

/** Services in reference order: issues and volunteering point at sessions' ids. */
const SERVICES = [
  { name: 'sessions', dataSource: 'createSessionsDataSource' },
  { name: 'issues', dataSource: 'createIssuesDataSource', events: { table: 'issue_event', topic: 'issueEvents' } },
  { name: 'volunteering', dataSource: 'createVolunteeringDataSource' },
];

/** True when the database holds no community yet (a new or empty database). */
export async function isEmptyDatabase(databaseUrl) {
  const { Client } = require('pg');
  const c = new Client({ connectionString: databaseUrl });
  await c.connect();
  try {
    const { rows } = await c.query("SELECT to_regclass('sessions.community') AS t");
    if (!rows[0].t) return true;
    return (await c.query('SELECT 1 FROM sessions.community LIMIT 1')).rowCount === 0;
  } finally {
    await c.end();
  }
}

/** Seeds every service's part into `databaseUrl` (migrating first). `log` gets the progress lines. */
export async function seedDemoWorld(databaseUrl, log = (line) => console.error(line)) {
  const shared = require('@plaza/shared');
  const { buildDemoWorld } = require('@plaza/shared/demo');
  const started = Date.now();
  const world = buildDemoWorld();
  const results = {};
  for (const s of SERVICES) {
    const pkg = require(`@plaza/${s.name}`);
    if (typeof pkg.seedDemo !== 'function') {
      log(`[seed] ${s.name}: no demo seed in this build; skipped`);
      continue;
    }
    const ds = pkg[s.dataSource](databaseUrl);
    await ds.initialize();
    try {
      await shared.migrate(ds, pkg.SCHEMA);
      const t = Date.now();
      const r = await pkg.seedDemo(ds, world, (msg) => log(`[seed] ${msg}`));
      results[s.name] = r.inserted;
      if (r.inserted && s.events) {
        // The seeded timeline is history, not news: the relay starts after it instead of
        // publishing a year of events to live subscribers on first start.
        await ds.query(shared.relayOffsetDdl(pkg.SCHEMA));
        await ds.query(`INSERT INTO "${pkg.SCHEMA}".relay_offset (name, seq) SELECT $1, coalesce(max(seq), 0) FROM "${pkg.SCHEMA}".${s.events.table} ON CONFLICT (name) DO NOTHING`, [
          `${pkg.SCHEMA}.${s.events.table}->${s.events.topic}`,
        ]);
      }
      log(`[seed] ${s.name}: ${r.inserted ? 'inserted' : 'already there, nothing to do'} (${Date.now() - t} ms)`);
    } finally {
      await ds.destroy();
    }
  }
  log(`[seed] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return results;
}

/**
 * The living demo on top of the demo year: for today (Asia/Shanghai), a LIVE night talk with
 * requests and an open plan vote in the world's first community (方井社区), PLANNED ones in the
 * others (shared/src/demo/tonight.ts). Idempotent per day. Returns tonight's plan (its community
 * is the one to open on the screen), or null when the demo communities are not there.
 */
export async function seedDemoTonight(databaseUrl, log = (line) => console.error(line), now = new Date()) {
  const shared = require('@plaza/shared');
  const { buildDemoWorld, buildTonight } = require('@plaza/shared/demo');
  const tonight = buildTonight(buildDemoWorld(), now);
  let live = false;
  for (const name of ['sessions', 'issues']) {
    const pkg = require(`@plaza/${name}`);
    if (typeof pkg.seedTonight !== 'function') return null;
    if (name === 'issues' && !live) break; // no LIVE session of ours tonight: no requests for it
    const ds = pkg[name === 'sessions' ? 'createSessionsDataSource' : 'createIssuesDataSource'](databaseUrl);
    await ds.initialize();
    try {
      await shared.migrate(ds, pkg.SCHEMA);
      const r = await pkg.seedTonight(ds, tonight);
      if (name === 'sessions') {
        live = r.live;
        if (!r.live && !r.inserted) return null;
      }
      log(`[seed] tonight (${tonight.day}) ${name}: ${r.inserted ? `${r.inserted} inserted` : 'already there'}`);
    } finally {
      await ds.destroy();
    }
  }
  return tonight;
}

async function ensureDatabase(url) {
  const { Client } = require('pg');
  const target = new URL(url);
  const name = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const c = new Client({ connectionString: admin.toString() });
  await c.connect();
  try {
    const { rowCount } = await c.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (!rowCount) await c.query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`);
  } finally {
    await c.end();
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const url = process.env.DATABASE_URL || 'postgres://postgres@127.0.0.1:5432/plaza';
  try {
    await ensureDatabase(url);
    await seedDemoWorld(url);
    const tonight = await seedDemoTonight(url);
    if (tonight) console.error(`[seed] tonight: LIVE in ${tonight.community.name} — open /screen?community=${tonight.community.id}`);
  } catch (e) {
    console.error(`[seed] failed: ${e?.stack ?? e}`);
    process.exit(1);
  }
}
