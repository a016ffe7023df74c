import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startPgReplicaPair, type PgReplicaPair } from './pg-replica.launcher';
import { startRedisCluster, type RedisCluster } from './redis-cluster.launcher';
import { freeLoopbackPort } from './free-ports';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const SUBGRAPHS = ['sessions', 'issues', 'volunteering'] as const;
type Subgraph = (typeof SUBGRAPHS)[number];

export interface TopologyOptions {
  /** The repository root (built packages under services/<name>/dist and gateway/dist). */
  root: string;
  /** Data of PostgreSQL and Redis Cluster nodes; enterable by the postgres user. */
  dataDir: string;
  /** HAProxy's port for the API (HTTP and WebSocket). Default a free port. */
  port?: number;
  gateways?: number;
  /** Replicas of each subgraph. Default 2. */
  replicas?: number;
  /** Extra environment for every node process (LOG_LEVEL, SHUTDOWN_GRACE_MS, …). */
  env?: Record<string, string>;
  /** Restart a node process that exits by itself (as a supervisor would). Default true. */
  supervise?: boolean;
  /** Lines of every node process, prefixed with its name. Default: dropped. */
  onLine?: (name: string, line: string) => void;
}

export interface NodeProcess {
  name: string;
  kind: 'gateway' | Subgraph;
  port: number;
  readonly child: ChildProcess | null;
  /** Signals the process and resolves once it exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again (same port, same environment) and waits for its /ready. */
  restart(): Promise<void>;
}

export interface Topology {
  /** http://127.0.0.1:<port> — HAProxy in front of the gateways. */
  origin: string;
  redis: RedisCluster;
  pg: PgReplicaPair;
  gateways: NodeProcess[];
  subgraphs: NodeProcess[];
  /** HAProxy's frontends for the subgraphs, which the gateways (and subgraphs) call. */
  subgraphUrls: Record<Subgraph, string>;
  haproxy: ChildProcess;
  /** Where everything is, one line each. */
  describe(): string[];
  stop(): Promise<void>;
}

/** HAProxy: the API to the gateways, each subgraph to its replicas, all health-checked on /ready. */
function haproxyConfig(port: number, gateways: NodeProcess[], subgraphs: Record<Subgraph, { port: number; nodes: NodeProcess[] }>): string {
  const servers = (nodes: NodeProcess[]) =>
    // inter 500 fall 2: a draining gateway (/ready 503) or a dead replica is out within ~1 s;
    // on-marked-down shutdown-sessions cuts what it still held so clients reconnect elsewhere.
    nodes.map((n) => `  server ${n.name} 127.0.0.1:${n.port} check inter 500 fall 2 rise 2 on-marked-down shutdown-sessions`).join('\n');
  return `# Written by shared/src/cluster/topology.ts (npm run start:cluster); regenerated on every start.
global
  maxconn 8000

defaults
  mode http
  option redispatch
  retries 3
  timeout connect 1s
  timeout client 60s
  timeout server 60s
  # WebSockets (graphql-ws) live long; the gateway's keep-alive pings keep them under this.
  timeout tunnel 1h
  timeout http-keep-alive 10s
  option http-server-close
  option httpchk GET /ready
  http-check expect status 200

frontend api
  bind 127.0.0.1:${port}
  default_backend gateways

backend gateways
  balance leastconn
${servers(gateways)}
${SUBGRAPHS.map(
  (s) => `
frontend ${s}
  bind 127.0.0.1:${subgraphs[s].port}
  default_backend ${s}_replicas

backend ${s}_replicas
  balance roundrobin
  # A mutation is never sent twice: only connection failures are retried elsewhere.
  retry-on conn-failure empty-response
${servers(subgraphs[s].nodes)}`,
).join('\n')}
`;
}

/**
 * The city-wide deployment on one machine: a 6-node Redis Cluster, a PostgreSQL primary with a
 * streaming replica, N replicas of each subgraph and M gateways as separate processes, and
 * HAProxy in front of the gateways and of each subgraph's replicas.
 */
export async function startTopology(o: TopologyOptions): Promise<Topology> {
  mkdirSync(o.dataDir, { recursive: true });
  // Stopped in this order: gateways (they drain), subgraphs, HAProxy, PostgreSQL, Redis.
  const gateways: NodeProcess[] = [];
  const subgraphs: NodeProcess[] = [];
  const infra: (() => Promise<void>)[] = [];
  const stopAll = async () => {
    await Promise.all(gateways.map((g) => g.kill('SIGTERM')));
    await Promise.all(subgraphs.map((g) => g.kill('SIGTERM')));
    for (const s of infra.splice(0).reverse()) await s().catch(() => undefined);
  };
  const onPurpose = new WeakSet<ChildProcess>();
  let stopping = false;
  try {
    const [redis, pg] = await Promise.all([startRedisCluster({ dir: join(o.dataDir, 'redis') }), startPgReplicaPair({ dir: join(o.dataDir, 'pg') })]);
    infra.push(
      () => redis.stop(),
      () => pg.stop(),
    );
    const port = o.port ?? (await freeLoopbackPort());
    const front = Object.fromEntries(await Promise.all(SUBGRAPHS.map(async (s) => [s, await freeLoopbackPort()] as const))) as Record<Subgraph, number>;
    const subgraphUrls = Object.fromEntries(SUBGRAPHS.map((s) => [s, `http://127.0.0.1:${front[s]}/graphql`])) as Record<Subgraph, string>;
    const env = {
      ...process.env,
      NODE_ENV: process.env.NODE_ENV ?? 'development',
      DATABASE_URL: pg.primary.url,
      DATABASE_READ_URL: pg.replica.url,
      REDIS_URL: '',
      REDIS_CLUSTER_NODES: redis.nodesEnv,
      SESSIONS_URL: subgraphUrls.sessions,
      ISSUES_URL: subgraphUrls.issues,
      VOLUNTEERING_URL: subgraphUrls.volunteering,
      ...o.env,
    };

    const node = async (name: string, kind: NodeProcess['kind'], port: number): Promise<NodeProcess> => {
      const entry = kind === 'gateway' ? join(o.root, 'gateway', 'dist', 'index.js') : join(o.root, 'services', kind, 'dist', 'index.js');
      let child: ChildProcess | null = null;
      let deaths: number[] = [];
      const spawnIt = () => {
        const c = spawn(process.execPath, [entry], { cwd: o.root, env: { ...env, PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] });
        child = c;
        for (const s of [c.stdout!, c.stderr!]) {
          let buf = '';
          s.on('data', (b) => {
            buf += b;
            const lines = buf.split('\n');
            buf = lines.pop()!;
            for (const l of lines) if (l) o.onLine?.(name, l);
          });
        }
        c.once('exit', (code, signal) => {
          if (child === c) child = null;
          if (stopping || !(o.supervise ?? true) || onPurpose.has(c)) return;
          const now = Date.now();
          deaths = [...deaths.filter((t) => t > now - 60_000), now];
          const delay = Math.min(10_000, 500 * 2 ** (deaths.length - 1));
          o.onLine?.(name, `exited (${signal ?? code}); restarting in ${delay} ms`);
          setTimeout(() => stopping || child || spawnIt(), delay).unref();
        });
      };
      const ready = async () => {
        const until = Date.now() + 60_000;
        while (Date.now() < until) {
          if (
            await fetch(`http://127.0.0.1:${port}/ready`, { signal: AbortSignal.timeout(2000) }).then(
              (r) => r.status === 200,
              () => false,
            )
          )
            return;
          await sleep(150);
        }
        throw new Error(`${name} not ready on ${port} within 60 s`);
      };
      const p: NodeProcess = {
        name,
        kind,
        port,
        get child() {
          return child;
        },
        async kill(signal = 'SIGTERM') {
          const c = child;
          if (!c) return;
          onPurpose.add(c);
          const exited = new Promise((r) => c.once('exit', r));
          c.kill(signal);
          await exited;
        },
        async restart() {
          if (!child) spawnIt();
          await ready();
        },
      };
      spawnIt();
      (p as NodeProcess & { ready: () => Promise<void> }).ready = ready;
      return p;
    };
    const waitReady = (ps: NodeProcess[]) => Promise.all(ps.map((p) => (p as NodeProcess & { ready: () => Promise<void> }).ready()));

    const replicas = o.replicas ?? 2;
    const bySubgraph = {} as Record<Subgraph, { port: number; nodes: NodeProcess[] }>;
    for (const s of SUBGRAPHS) bySubgraph[s] = { port: front[s], nodes: [] };
    const cfgPath = join(o.dataDir, 'haproxy.cfg');
    // Subgraph replicas first (all at once: their migrations meet the advisory lock), then
    // HAProxy, then the gateways, whose /ready asks the subgraphs through HAProxy.
    for (const s of SUBGRAPHS) {
      for (let i = 1; i <= replicas; i++) bySubgraph[s].nodes.push(await node(`${s}-${i}`, s, await freeLoopbackPort()));
      subgraphs.push(...bySubgraph[s].nodes);
    }
    const gatewayPorts = await Promise.all(Array.from({ length: o.gateways ?? 2 }, () => freeLoopbackPort()));
    const gatewaySlots = gatewayPorts.map((p, i) => ({ name: `gateway-${i + 1}`, port: p }) as NodeProcess);
    writeFileSync(cfgPath, haproxyConfig(port, gatewaySlots, bySubgraph));
    const haproxy = spawn(process.env.HAPROXY_BIN ?? 'haproxy', ['-db', '-f', cfgPath], { stdio: ['ignore', 'ignore', 'pipe'] });
    let haproxyLog = '';
    haproxy.stderr!.on('data', (b) => {
      haproxyLog = (haproxyLog + b).slice(-2000);
      String(b)
        .split('\n')
        .filter(Boolean)
        .forEach((l) => o.onLine?.('haproxy', l));
    });
    const haproxyDied = new Promise<never>((_, reject) => haproxy.once('exit', (code) => stopping || reject(new Error(`haproxy exited (${code}):\n${haproxyLog}`))));
    haproxyDied.catch(() => undefined);
    infra.push(
      () =>
        new Promise<void>((resolve) => {
          if (haproxy.exitCode !== null || haproxy.signalCode !== null) return resolve();
          haproxy.once('exit', () => resolve());
          haproxy.kill('SIGUSR1'); // soft stop: finish what is open
          setTimeout(() => haproxy.kill('SIGKILL'), 2000).unref();
        }),
    );
    await Promise.race([waitReady(subgraphs), haproxyDied]);
    for (const g of gatewaySlots) gateways.push(await node(g.name, 'gateway', g.port));
    await Promise.race([waitReady(gateways), haproxyDied]);
    const origin = `http://127.0.0.1:${port}`;
    const until = Date.now() + 30_000;
    while (
      !(await fetch(`${origin}/ready`).then(
        (r) => r.status === 200,
        () => false,
      ))
    ) {
      if (Date.now() > until) throw new Error(`HAProxy on ${port} did not reach a ready gateway within 30 s`);
      await sleep(200);
    }
    return {
      origin,
      redis,
      pg,
      gateways,
      subgraphs,
      subgraphUrls,
      haproxy,
      describe: () => [
        `API (HAProxy)       ${origin}/graphql   ws://127.0.0.1:${port}/graphql`,
        ...gateways.map((g) => `  ${g.name.padEnd(18)}http://127.0.0.1:${g.port}/graphql`),
        ...SUBGRAPHS.map((s) => `${(s + ' (HAProxy)').padEnd(20)}${subgraphUrls[s]} → ${bySubgraph[s].nodes.map((n) => n.port).join(', ')}`),
        `Redis Cluster       ${redis.nodesEnv} (3 masters + 3 replicas, sharded pub/sub)`,
        `PostgreSQL primary  ${pg.primary.url}`,
        `PostgreSQL replica  ${pg.replica.url} (streaming; analytics reads)`,
        `HAProxy config      ${cfgPath}`,
      ],
      async stop() {
        stopping = true;
        await stopAll();
      },
    };
  } catch (e) {
    stopping = true;
    await stopAll();
    throw e;
  }
}
