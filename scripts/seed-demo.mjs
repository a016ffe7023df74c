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
  { name: 'issues', dataSource: 'createIssuesDataSource' },
  { name: 'volunteering', dataSource: 'createVolunteeringDataSource' },
];

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
      log(`[seed] ${s.name}: ${r.inserted ? 'inserted' : 'already there, nothing to do'} (${Date.now() - t} ms)`);
    } finally {
      await ds.destroy();
    }
  }
  log(`[seed] done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return results;
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
  } catch (e) {
    console.error(`[seed] failed: ${e?.stack ?? e}`);
    process.exit(1);
  }
}
