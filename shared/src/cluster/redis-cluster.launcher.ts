import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

import { distinctFreePorts } from './free-ports';

const run = promisify(execFile);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

class NodeExitedError extends Error {}

/** The last lines of a node's log, for the error (the directory is removed on stop). */
function logTail(nodeDir: string): string {
  try {
    return readFileSync(join(nodeDir, 'redis.log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
  } catch {
    return 'no log';
  }
}

export interface RedisClusterOptions {
  /** Masters. Default 3. */
  masters?: number;
  /** Replicas per master. Default 1 (6 nodes: 3 masters + 3 replicas). */
  replicas?: number;
  /** Where each node keeps its nodes.conf; default a fresh temp dir, removed on stop(). */
  dir?: string;
  /** cluster-node-timeout, ms: how soon a dead master's replica takes over. Default 1000. */
  nodeTimeoutMs?: number;
  /** redis-server / redis-cli binaries. Default from PATH (Debian: redis-server, redis-tools). */
  redisServer?: string;
  redisCli?: string;
}

export interface RedisClusterNode {
  port: number;
  /** The cluster bus port; chosen free too (port + 10000, Redis' default, may be taken or past 65535). */
  busPort: number;
  /** The redis-server process, or null while it is down. */
  process: ChildProcess | null;
}

export interface RedisCluster {
  /** `127.0.0.1:port,…`, as REDIS_CLUSTER_NODES takes it. */
  readonly nodesEnv: string;
  readonly nodes: RedisClusterNode[];
  /** Ports of the current masters (as the cluster says now). */
  masters(): Promise<number[]>;
  /** Sends `signal` to one node (SIGKILL: it dies at once, its replica is promoted after the node timeout). */
  kill(port: number, signal?: NodeJS.Signals): Promise<void>;
  /** Starts a stopped node again with its nodes.conf: it rejoins (a former master as a replica). */
  restart(port: number): Promise<void>;
  /** Resolves once every live node says cluster_state:ok and every slot has a live master. */
  waitHealthy(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real Redis Cluster on loopback ports from Debian's redis-server (one process per node),
 * formed with `redis-cli --cluster create … --cluster-replicas N --cluster-yes`. For
 * `npm run start:cluster` and the tests that kill a master and watch its replica take over.
 */
export async function startRedisCluster(o: RedisClusterOptions = {}): Promise<RedisCluster> {
  const count = (o.masters ?? 3) * (1 + (o.replicas ?? 1));
  const ownDir = !o.dir;
  const dir = o.dir ?? mkdtempSync(join(tmpdir(), 'plaza-redis-cluster-'));
  const server = o.redisServer ?? 'redis-server';
  const cli = o.redisCli ?? 'redis-cli';
  const nodes: RedisClusterNode[] = [];
  const ports = await distinctFreePorts(2 * count);
  for (let i = 0; i < count; i++) nodes.push({ port: ports[2 * i]!, busPort: ports[2 * i + 1]!, process: null });

  const launch = async (node: RedisClusterNode) => {
    const nodeDir = join(dir, String(node.port));
    mkdirSync(nodeDir, { recursive: true });
    const child = spawn(
      server,
      [
        '--port',
        String(node.port),
        '--cluster-port',
        String(node.busPort),
        '--bind',
        '127.0.0.1',
        '--protected-mode',
        'no',
        '--cluster-enabled',
        'yes',
        '--cluster-config-file',
        join(nodeDir, 'nodes.conf'),
        '--cluster-node-timeout',
        String(o.nodeTimeoutMs ?? 1000),
        // A replica takes over whatever its link to the master says; the default refuses when it was cut off long.
        '--cluster-replica-validity-factor',
        '0',
        '--dir',
        nodeDir,
        '--save',
        '',
        '--appendonly',
        'no',
        '--logfile',
        join(nodeDir, 'redis.log'),
      ],
      { stdio: 'ignore' },
    );
    node.process = child;
    child.once('exit', () => {
      if (node.process === child) node.process = null;
    });
    const until = Date.now() + 10_000;
    for (;;) {
      try {
        const { stdout } = await run(cli, ['-p', String(node.port), 'ping'], { timeout: 2000 });
        if (stdout.includes('PONG')) return;
      } catch {
        /* not yet */
      }
      // Exited (a port taken meanwhile by another process: ports are free when picked, not reserved).
      if (!node.process) throw new NodeExitedError(`redis-server on ${node.port} exited at start: ${logTail(nodeDir)}`);
      if (Date.now() > until) throw new Error(`redis-server on ${node.port} did not answer within 10 s: ${logTail(nodeDir)}`);
      await sleep(50);
    }
  };

  const info = async (port: number, ...args: string[]) => (await run(cli, ['-p', String(port), ...args], { timeout: 2000 })).stdout;

  const cluster: RedisCluster = {
    // A getter: a node's ports may change if its first launch could not bind them.
    get nodesEnv() {
      return nodes.map((n) => `127.0.0.1:${n.port}`).join(',');
    },
    nodes,
    async masters() {
      const live = nodes.find((n) => n.process)!;
      const out = await info(live.port, 'cluster', 'nodes');
      // <id> <ip:port@cport> <flags,…> …: masters that nobody marks as failing.
      return out
        .split('\n')
        .map((l) => l.split(' '))
        .filter((f) => f.length > 2 && f[2]!.split(',').includes('master') && !/fail/.test(f[2]!))
        .map((f) => Number(f[1]!.split('@')[0]!.split(':')[1]));
    },
    async kill(port, signal = 'SIGKILL') {
      const node = nodes.find((n) => n.port === port);
      const p = node?.process;
      if (!p) return;
      const exited = new Promise((r) => p.once('exit', r));
      p.kill(signal);
      await exited;
    },
    async restart(port) {
      const node = nodes.find((n) => n.port === port);
      if (!node) throw new Error(`no cluster node on ${port}`);
      if (!node.process) await launch(node);
    },
    async waitHealthy(timeoutMs = 20_000) {
      const until = Date.now() + timeoutMs;
      let last: string;
      for (;;) {
        try {
          const states = await Promise.all(nodes.filter((n) => n.process).map((n) => info(n.port, 'cluster', 'info')));
          if (states.every((s) => s.includes('cluster_state:ok'))) return;
          last = states.find((s) => !s.includes('cluster_state:ok'))!.split('\n')[0]!;
        } catch (e) {
          last = (e as Error).message;
        }
        if (Date.now() > until) throw new Error(`redis cluster not healthy within ${timeoutMs} ms: ${last}`);
        await sleep(100);
      }
    },
    async stop() {
      await Promise.all(nodes.map((n) => cluster.kill(n.port, 'SIGTERM')));
      if (ownDir) rmSync(dir, { recursive: true, force: true });
    },
  };

  try {
    // A node that could not bind gets new ports (before the cluster is formed, ports are free to change).
    const firstLaunch = async (node: RedisClusterNode) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await launch(node);
        } catch (e) {
          if (!(e instanceof NodeExitedError) || attempt === 3) throw e;
          [node.port, node.busPort] = await distinctFreePorts(2);
        }
      }
    };
    await Promise.all(nodes.map(firstLaunch));
    await run(cli, ['--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', String(o.replicas ?? 1), '--cluster-yes'], { timeout: 30_000 });
    await cluster.waitHealthy();
    return cluster;
  } catch (e) {
    await cluster.stop();
    throw e;
  }
}
