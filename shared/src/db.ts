import { DataSource, type EntitySchema, type Logger as OrmLogger, type MixedList, type QueryRunner } from 'typeorm';
import type { Logger } from 'pino';

/** An entity or migration class, as typeorm takes it (any constructor). */
type EntityClass = abstract new (...args: never) => unknown;

/**
 * Counts the SQL statements a data source sends, so tests and benchmarks can prove that a
 * list costs the same number of statements for 5 rows as for 500.
 */
export class StatementCounter implements OrmLogger {
  count = 0;
  readonly recent: string[] = [];
  constructor(private readonly pino?: Logger) {}
  logQuery(query: string) {
    this.count++;
    if (this.recent.length >= 200) this.recent.shift();
    this.recent.push(query);
    this.pino?.trace({ sql: query }, 'sql');
  }
  logQueryError(error: string | Error, query: string) {
    this.pino?.debug({ err: String(error), sql: query }, 'sql error');
  }
  logQuerySlow(time: number, query: string) {
    this.pino?.warn({ ms: time, sql: query }, 'slow sql');
  }
  logSchemaBuild() {}
  logMigration(message: string) {
    this.pino?.info(message);
  }
  log(level: 'log' | 'info' | 'warn', message: unknown) {
    if (level === 'warn') this.pino?.warn(String(message));
  }
  reset() {
    this.count = 0;
    this.recent.length = 0;
  }
}

export interface DataSourceOptions {
  url: string;
  /** The Postgres schema this service owns, e.g. `sessions`. */
  schema: string;
  entities: MixedList<EntityClass | string | EntitySchema>;
  migrations: MixedList<EntityClass | string>;
  counter?: StatementCounter;
  /** Pool size per process. Default 10. */
  poolSize?: number;
}

export function createDataSource(o: DataSourceOptions): DataSource {
  return new DataSource({
    type: 'postgres',
    url: o.url,
    schema: o.schema,
    entities: o.entities,
    migrations: o.migrations,
    migrationsTableName: 'migrations',
    migrationsTransactionMode: 'all',
    synchronize: false,
    logging: true,
    logger: o.counter ?? new StatementCounter(),
    maxQueryExecutionTime: 1000,
    applicationName: `plaza-${o.schema}`,
    extra: { max: o.poolSize ?? 10 },
  });
}

/**
 * Creates the service's schema and applies pending migrations under an advisory lock, so two
 * replicas starting together do not race.
 */
export async function migrate(ds: DataSource, schema: string): Promise<void> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  try {
    await runner.query('SELECT pg_advisory_lock(hashtext($1))', [`plaza-migrate-${schema}`]);
    await runner.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await ds.runMigrations({ transaction: 'all' });
  } finally {
    await runner.query('SELECT pg_advisory_unlock(hashtext($1))', [`plaza-migrate-${schema}`]).catch(() => undefined);
    await runner.release();
  }
}

/** Postgres unique violation (23505), e.g. to turn a duplicate insert into an idempotent no-op. */
export const isUniqueViolation = (e: unknown) => (e as { code?: string })?.code === '23505' || (e as { driverError?: { code?: string } })?.driverError?.code === '23505';

/** Runs `fn` in one transaction; everything it writes commits together or not at all. */
export async function inTransaction<T>(ds: DataSource, fn: (runner: QueryRunner) => Promise<T>): Promise<T> {
  const runner = ds.createQueryRunner();
  await runner.connect();
  await runner.startTransaction();
  try {
    const result = await fn(runner);
    await runner.commitTransaction();
    return result;
  } catch (e) {
    await runner.rollbackTransaction().catch(() => undefined);
    throw e;
  } finally {
    await runner.release();
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** Ids are UUIDs; anything else names nothing (and must not reach a uuid column). */
export const isUuid = (id: unknown): id is string => typeof id === 'string' && UUID.test(id);
