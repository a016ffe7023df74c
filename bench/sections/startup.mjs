// Section 5 of `npm run bench`: `node scripts/start.mjs` from nothing to the gateway's /ready.
import { chmodSync, cpSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROOT, fmt, freePort, portInUse, startChild, table, verdict, waitHttp } from '../lib/util.mjs';

/**
 * `node scripts/start.mjs` with the embedded default (no DATABASE_URL / REDIS_URL). start.mjs
 * keeps its data in <root>/.data/pg, so it runs from a scratch root (a copy of start.mjs, the
 * packages linked in) and starts cold, as after install: initdb, migrations, four servers.
 * Its subgraph ports are fixed (4001–4003); if they are taken the measurement is skipped.
 * ctx: { say, section }
 */
export async function startup({ say, section }) {
  const busy = [];
  for (const p of [4001, 4002, 4003]) if (await portInUse(p)) busy.push(p);
  if (busy.length) {
    section('5. Start-up', `skipped: ports ${busy.join(', ')} are in use (scripts/start.mjs fixes the subgraph ports)`);
    return;
  }
  const scratch = mkdtempSync(join(tmpdir(), 'plaza-bench-start-'));
  chmodSync(scratch, 0o755); // the embedded Postgres runs as the postgres user and must reach .data
  // start.mjs imports its neighbours (seed-demo.mjs): copy the whole folder.
  cpSync(join(ROOT, 'scripts'), join(scratch, 'scripts'), { recursive: true });
  for (const entry of ['package.json', 'node_modules', 'shared', 'services', 'gateway']) symlinkSync(join(ROOT, entry), join(scratch, entry));
  const rows = [];
  try {
    for (const kind of ['cold (first start: initdb + demo year)', 'warm (data directory exists)']) {
      const [pgPort, port] = [await freePort(), await freePort()];
      const env = { ...process.env, PLAZA_EMBEDDED_PG_PORT: String(pgPort), PORT: String(port), LOG_LEVEL: 'warn' };
      delete env.DATABASE_URL;
      delete env.REDIS_URL;
      const t0 = Date.now();
      const child = startChild('start.mjs', [join(scratch, 'scripts', 'start.mjs')], env, { cwd: scratch });
      try {
        await waitHttp(`http://127.0.0.1:${port}/ready`, { child, timeoutMs: 90_000 });
        const s = (Date.now() - t0) / 1000;
        rows.push([kind, fmt(s, 1), verdict(s < 30)]);
      } catch (e) {
        rows.push([kind, `failed: ${String(e.message).split('\n')[0]}`, 'MISS']);
        say(child.tail.join('\n'));
      } finally {
        await child.stop('SIGINT');
      }
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  section(
    '5. Start-up: `node scripts/start.mjs`, embedded default (no DATABASE_URL / REDIS_URL), to /ready 200',
    `${table(['start', 'seconds', '< 30 s'], rows)}\n\n(ran from a scratch root with scripts/ copied and the packages linked, so .data/pg is fresh — the cold start includes initdb and loading the demo year; pg on a free port via PLAZA_EMBEDDED_PG_PORT)`,
  );
}
