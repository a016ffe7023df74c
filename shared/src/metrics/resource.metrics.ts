import { Counter, Gauge, Histogram } from 'prom-client';
import type { DataSource } from 'typeorm';
import type { OutboxRelay } from '../relay';
import type { TopicName } from '../pubsub/topics';
import type { PubSub } from '../pubsub/pubsub';
import { RedisPubSub } from '../pubsub/redis';
import type { ServiceMetrics } from './service.metrics';
import { StatementCounter } from '../db';

/** The pg Pool typeorm keeps as `driver.master` (its counts are all we read). */
interface PgPoolCounts {
  totalCount: number;
  idleCount: number;
  waitingCount: number;
}

/** Connections of the service's PostgreSQL pool: in use, idle, and queries waiting for one. */
export function poolMetrics(metrics: ServiceMetrics, dataSource: DataSource): void {
  const pool = () => (dataSource.driver as unknown as { master?: PgPoolCounts }).master;
  const registers = [metrics.registry];
  new Gauge({
    name: 'plaza_db_pool_connections',
    help: 'PostgreSQL pool connections by state (in_use, idle)',
    labelNames: ['state'],
    registers,
    collect() {
      const p = pool();
      if (!p) return;
      this.set({ state: 'in_use' }, p.totalCount - p.idleCount);
      this.set({ state: 'idle' }, p.idleCount);
    },
  });
  new Gauge({
    name: 'plaza_db_pool_waiting',
    help: 'Queries waiting for a free PostgreSQL pool connection',
    registers,
    collect() {
      this.set(pool()?.waitingCount ?? 0);
    },
  });
  // Every data source counts its statements already (createDataSource's logger); exposing the
  // count lets a benchmark read SQL per request from outside the process.
  const statements = dataSource.logger instanceof StatementCounter ? dataSource.logger : null;
  if (statements) {
    new Counter({
      name: 'plaza_db_statements_total',
      help: 'SQL statements this process sent through its data source (transaction control included)',
      registers,
      collect() {
        this.reset();
        this.inc(statements.count);
      },
    });
  }
}

export interface RelayMetricsOptions {
  relay: OutboxRelay<TopicName>;
  dataSource: DataSource;
  /** The service's schema and event table, as given to the relay. */
  schema: string;
  table: string;
}

/**
 * The outbox relay: how many committed events wait to be published and how old the oldest is
 * (read at scrape time from the event table, past the offset stored by whichever replica
 * publishes), whether this replica is the publisher, and what it published.
 */
export function relayMetrics(metrics: ServiceMetrics, o: RelayMetricsOptions): void {
  const registers = [metrics.registry];
  const labels = { relay: o.relay.name };
  const sql = `SELECT count(*)::int AS backlog, COALESCE(EXTRACT(EPOCH FROM now() - min(at)), 0)::float8 AS lag
      FROM "${o.schema}"."${o.table}"
      WHERE seq > COALESCE((SELECT seq FROM "${o.schema}".relay_offset WHERE name = $1), 0)`;
  let pending: Promise<{ backlog: number; lag: number } | null> | null = null;
  // Both gauges are read from one query per scrape.
  const read = () =>
    (pending ??= o.dataSource
      .query(sql, [o.relay.name])
      .then((rows: { backlog: number; lag: number }[]) => rows[0] ?? null)
      // Before the relay first ran the offset table may not exist: nothing to report yet.
      .catch(() => null)
      .finally(() => setImmediate(() => (pending = null))));
  new Gauge({
    name: 'plaza_relay_backlog',
    help: 'Committed events not yet published to the bus',
    labelNames: ['relay'],
    registers,
    async collect() {
      const r = await read();
      if (r) this.set(labels, r.backlog);
    },
  });
  new Gauge({
    name: 'plaza_relay_lag_seconds',
    help: 'Age of the oldest committed event not yet published (0 when none waits)',
    labelNames: ['relay'],
    registers,
    async collect() {
      const r = await read();
      if (r) this.set(labels, r.lag);
    },
  });
  new Gauge({
    name: 'plaza_relay_leader',
    help: '1 while this replica holds the relay lock and publishes',
    labelNames: ['relay'],
    registers,
    collect() {
      this.set(labels, o.relay.isLeader ? 1 : 0);
    },
  });
  new Counter({
    name: 'plaza_relay_published_total',
    help: 'Events this replica published to the bus since start',
    labelNames: ['relay'],
    registers,
    collect() {
      this.reset();
      this.inc(labels, o.relay.published);
    },
  });
}

/**
 * Redis connections by name: 1 while ioredis reports `ready`. `read` returns each connection's
 * ioredis status (`ready`, `connecting`, `reconnecting`, `end`, …).
 */
export function redisMetrics(metrics: ServiceMetrics, read: () => Record<string, string>): void {
  new Gauge({
    name: 'plaza_redis_up',
    help: '1 while the named Redis connection is ready, else 0',
    labelNames: ['connection'],
    registers: [metrics.registry],
    collect() {
      for (const [connection, status] of Object.entries(read())) this.set({ connection }, status === 'ready' ? 1 : 0);
    },
  });
}

/** What a periodic job reports after each run. */
export interface SweepRun {
  ok: boolean;
  /** Rows the run changed (entries marked overdue, votes closed). */
  count: number;
  seconds: number;
}

/** Runs of a periodic sweep (`job` label): outcome, rows changed and time. Returns the job's hook. */
export function sweepMetrics(metrics: ServiceMetrics, job: string): (run: SweepRun) => void {
  const registers = [metrics.registry];
  const runs =
    (metrics.registry.getSingleMetric('plaza_sweep_runs_total') as Counter<'job' | 'outcome'> | undefined) ??
    new Counter({ name: 'plaza_sweep_runs_total', help: 'Periodic sweep runs by job and outcome (ok, error)', labelNames: ['job', 'outcome'], registers });
  const items =
    (metrics.registry.getSingleMetric('plaza_sweep_items_total') as Counter<'job'> | undefined) ??
    new Counter({ name: 'plaza_sweep_items_total', help: 'Rows changed by periodic sweeps (entries marked overdue, votes closed)', labelNames: ['job'], registers });
  const duration =
    (metrics.registry.getSingleMetric('plaza_sweep_duration_seconds') as Histogram<'job'> | undefined) ??
    new Histogram({ name: 'plaza_sweep_duration_seconds', help: 'Time of one periodic sweep run', labelNames: ['job'], buckets: [0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 30], registers });
  // Zero series from the start, so "no runs lately" reads as a flat line, not as no data.
  runs.inc({ job, outcome: 'ok' }, 0);
  runs.inc({ job, outcome: 'error' }, 0);
  items.inc({ job }, 0);
  return (run) => {
    runs.inc({ job, outcome: run.ok ? 'ok' : 'error' });
    items.inc({ job }, run.count);
    duration.observe({ job }, run.seconds);
  };
}

/**
 * A subgraph's resources in one call from its main(): the pool, and with a relay its backlog,
 * lag and (when its bus is Redis) the Redis connections.
 */
export function observeService(metrics: ServiceMetrics, o: { dataSource: DataSource; relay?: { relay: OutboxRelay<TopicName>; bus: PubSub } | null; schema?: string; table?: string }): void {
  poolMetrics(metrics, o.dataSource);
  if (!o.relay || !o.schema || !o.table) return;
  relayMetrics(metrics, { relay: o.relay.relay, dataSource: o.dataSource, schema: o.schema, table: o.table });
  const bus = o.relay.bus;
  if (bus instanceof RedisPubSub) redisMetrics(metrics, () => bus.connectionStates);
}
