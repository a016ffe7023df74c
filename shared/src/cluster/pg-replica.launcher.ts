import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Client } from 'pg';
import { freeLoopbackPort } from './free-ports';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface PgReplicaOptions {
  /** Holds `primary/` and `replica/`; must be enterable by the postgres user. */
  dir: string;
  /** The installed PostgreSQL's bin directory. Default the newest /usr/lib/postgresql/<v>/bin (Debian). */
  binDir?: string;
  /** Database created on the primary (and so on the replica). Default `plaza`. */
  database?: string;
  primaryPort?: number;
  replicaPort?: number;
}

export interface PgNode {
  port: number;
  url: string;
  process: ChildProcess | null;
}

export interface PgReplicaPair {
  primary: PgNode;
  /** A hot standby fed by streaming replication from the primary (pg_basebackup -R). */
  replica: PgNode;
  /** The replica's own view: replaying since when, bytes behind. */
  lag(): Promise<{ lagMs: number; replayLagBytes: number }>;
  stop(): Promise<void>;
}

export function debianPgBin(): string {
  const base = '/usr/lib/postgresql';
  const versions = existsSync(base)
    ? readdirSync(base)
        .filter((v) => /^\d+$/.test(v))
        .sort((a, b) => Number(b) - Number(a))
    : [];
  if (!versions.length) throw new Error('PostgreSQL is not installed (apt-get install postgresql)');
  return join(base, versions[0]!, 'bin');
}

/**
 * A PostgreSQL primary and a streaming replica from the installed PostgreSQL (Debian's
 * `postgresql`), each its own `postgres` server on a loopback port, data under `dir`; as root
 * they run as the `postgres` user. For `npm run start:cluster` and the failover suite.
 */
export async function startPgReplicaPair(o: PgReplicaOptions): Promise<PgReplicaPair> {
  const bin = o.binDir ?? debianPgBin();
  const db = o.database ?? 'plaza';
  const asRoot = process.getuid?.() === 0;
  const ids = asRoot ? { uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })), gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })) } : {};
  const own = (p: string) => {
    mkdirSync(p, { recursive: true, mode: 0o700 });
    if (ids.uid !== undefined) chownSync(p, ids.uid, ids.gid!);
  };
  own(o.dir);
  const primaryDir = join(o.dir, 'primary');
  const replicaDir = join(o.dir, 'replica');
  const primary: PgNode = { port: o.primaryPort ?? (await freeLoopbackPort()), url: '', process: null };
  const replica: PgNode = { port: o.replicaPort ?? (await freeLoopbackPort()), url: '', process: null };
  primary.url = `postgres://postgres@127.0.0.1:${primary.port}/${db}`;
  replica.url = `postgres://postgres@127.0.0.1:${replica.port}/${db}`;
  const as = { ...ids, env: { ...process.env, LC_ALL: 'C.UTF-8' }, timeout: 60_000 };

  const start = async (node: PgNode, dataDir: string) => {
    const child = spawn(join(bin, 'postgres'), ['-D', dataDir, '-p', String(node.port), '-c', 'listen_addresses=127.0.0.1', '-c', `unix_socket_directories=${o.dir}`], {
      ...ids,
      env: as.env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let log = '';
    child.stderr!.on('data', (b) => (log = (log + b).slice(-4000)));
    node.process = child;
    child.once('exit', () => {
      if (node.process === child) node.process = null;
    });
    const until = Date.now() + 30_000;
    for (;;) {
      const c = new Client({ host: '127.0.0.1', port: node.port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2000 });
      try {
        await c.connect();
        await c.end();
        return;
      } catch {
        await c.end().catch(() => undefined);
      }
      if (!node.process) throw new Error(`postgres on ${node.port} exited:\n${log}`);
      if (Date.now() > until) throw new Error(`postgres on ${node.port} not up within 30 s:\n${log}`);
      await sleep(100);
    }
  };

  const stopNode = async (node: PgNode) => {
    const p = node.process;
    if (!p) return;
    const exited = new Promise((r) => p.once('exit', r));
    p.kill('SIGINT'); // fast shutdown
    const hard = setTimeout(() => p.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(hard);
  };

  const pair: PgReplicaPair = {
    primary,
    replica,
    async lag() {
      const c = new Client({ connectionString: replica.url });
      await c.connect();
      try {
        const { rows } = await c.query(`
          SELECT CASE WHEN pg_last_wal_receive_lsn() = pg_last_wal_replay_lsn() THEN 0
                      ELSE COALESCE(EXTRACT(EPOCH FROM clock_timestamp() - pg_last_xact_replay_timestamp()) * 1000, 0) END AS lag_ms,
                 COALESCE(pg_wal_lsn_diff(pg_last_wal_receive_lsn(), pg_last_wal_replay_lsn()), 0) AS bytes`);
        return { lagMs: Math.round(Number(rows[0].lag_ms)), replayLagBytes: Number(rows[0].bytes) };
      } finally {
        await c.end();
      }
    },
    async stop() {
      await stopNode(replica);
      await stopNode(primary);
    },
  };

  try {
    if (!existsSync(join(primaryDir, 'PG_VERSION'))) {
      own(primaryDir);
      await run(join(bin, 'initdb'), ['-D', primaryDir, '-U', 'postgres', '--auth=trust', '-E', 'UTF8'], as);
      // Streaming replication on loopback: initdb's trust rules already admit `replication` from 127.0.0.1.
      writeFileSync(join(primaryDir, 'postgresql.auto.conf'), 'wal_level = replica\nmax_wal_senders = 10\nhot_standby = on\nfsync = off\n');
      if (ids.uid !== undefined) chownSync(join(primaryDir, 'postgresql.auto.conf'), ids.uid, ids.gid!);
    }
    await start(primary, primaryDir);
    const admin = new Client({ host: '127.0.0.1', port: primary.port, user: 'postgres', database: 'postgres' });
    await admin.connect();
    try {
      const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [db]);
      if (!rowCount) await admin.query(`CREATE DATABASE "${db}"`);
    } finally {
      await admin.end();
    }
    if (!existsSync(join(replicaDir, 'PG_VERSION'))) {
      // -R: standby.signal and primary_conninfo, so it starts as a streaming hot standby.
      await run(join(bin, 'pg_basebackup'), ['-h', '127.0.0.1', '-p', String(primary.port), '-U', 'postgres', '-D', replicaDir, '-R', '-X', 'stream', '-c', 'fast'], as);
    }
    // The replica's conninfo names the primary's port of its first start: keep it current.
    writeFileSync(
      join(replicaDir, 'postgresql.auto.conf'),
      `wal_level = replica\nmax_wal_senders = 10\nhot_standby = on\nfsync = off\nprimary_conninfo = 'host=127.0.0.1 port=${primary.port} user=postgres application_name=plaza-replica'\n`,
    );
    if (ids.uid !== undefined) chownSync(join(replicaDir, 'postgresql.auto.conf'), ids.uid, ids.gid!);
    await start(replica, replicaDir);
    return pair;
  } catch (e) {
    await pair.stop();
    throw e;
  }
}
