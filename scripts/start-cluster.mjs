// `npm run start:cluster`: the city-wide deployment on this machine (issue 15) — a 6-node Redis
// Cluster (3 masters + 3 replicas), a PostgreSQL primary with a streaming replica (the installed
// PostgreSQL, data under .data/cluster, run as the postgres user), 2 replicas of each subgraph,
// 2 gateways, and HAProxy in front of the gateways (CLUSTER_PORT, default 4080) and of each
// subgraph's replicas. Prints where everything is; Ctrl+C or SIGTERM stops it all.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(join(root, 'package.json'));
const { startTopology } = require('@plaza/shared/cluster');
const say = (msg) => console.error(`[cluster] ${msg}`);

const missing = [
  ['redis-server', 'redis-server'],
  ['redis-cli', 'redis-tools'],
  ['haproxy', 'haproxy'],
].filter(([bin]) => {
  try {
    execFileSync('sh', ['-c', `command -v ${bin}`], { stdio: 'ignore' });
    return false;
  } catch {
    return true;
  }
});
if (!existsSync('/usr/lib/postgresql')) missing.push(['postgres', 'postgresql']);
if (missing.length) {
  say(`missing: ${missing.map(([b]) => b).join(', ')} — apt-get install ${[...new Set(missing.map(([, p]) => p))].join(' ')}`);
  process.exit(1);
}

const dataDir = process.env.PLAZA_CLUSTER_DIR || join(root, '.data', 'cluster');
// A fresh cluster every start: Redis nodes and replica state from an earlier run would not match new ports.
rmSync(dataDir, { recursive: true, force: true });
mkdirSync(dataDir, { recursive: true });
for (let d = dataDir; d !== dirname(d); d = dirname(d)) {
  try {
    chmodSync(d, 0o755); // the postgres user must enter every directory above its data
  } catch {
    break;
  }
  if (d === root) break;
}

let topology = null;
let stopping = false;
const stop = async (code) => {
  if (stopping) return;
  stopping = true;
  say('stopping (gateways drain first)…');
  await topology?.stop().catch((e) => say(`while stopping: ${e.message}`));
  process.exit(code);
};
process.once('SIGINT', () => void stop(0));
process.once('SIGTERM', () => void stop(0));
process.once('SIGHUP', () => void stop(0));

try {
  say('starting Redis Cluster, PostgreSQL primary + replica, 2× each subgraph, 2 gateways, HAProxy…');
  topology = await startTopology({
    root,
    dataDir,
    port: Number(process.env.CLUSTER_PORT || 4080),
    gateways: Number(process.env.CLUSTER_GATEWAYS || 2),
    replicas: Number(process.env.CLUSTER_REPLICAS || 2),
    env: { LOG_LEVEL: process.env.LOG_LEVEL || 'warn' },
    onLine: (name, line) => console.log(`${name.padEnd(14)} ${line}`),
  });
  if (stopping) await topology.stop();
  console.log(['', '广场夜话 Plaza Night Talk — scale-out topology is up', ...topology.describe().map((l) => `  ${l}`), 'Ctrl+C stops everything.', ''].join('\n'));
} catch (e) {
  say(`failed: ${e?.stack ?? e}`);
  await stop(1);
}
