import { createHash } from 'node:crypto';
import { QueryFailedError, type DataSource } from 'typeorm';

type Pool = { query(q: { name: string; text: string; values: unknown[]; rowMode?: 'array' }): Promise<{ rows: unknown[] }> };

/** Statement names by text: a service has a handful of shapes; past this many, one is forgotten. */
const names = new Map<string, string>();
const MAX_NAMES = 512;

function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    if (names.size >= MAX_NAMES) names.delete(names.keys().next().value!);
    name = `plaza_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`;
    names.set(text, name);
  }
  return name;
}

/**
 * `text` as a named statement on the data source's pool: PostgreSQL parses it once per connection
 * and, after a few runs, keeps a generic plan, so planning — half the server's time for the
 * overview's aggregates — is not paid per request. Counted, and logged when slow or failed,
 * through the data source's logger like typeorm's own queries. For statements of a fixed shape
 * only: every distinct text is one more prepared statement in every connection that runs it.
 */
export async function runNamed(ds: DataSource, text: string, values: unknown[], rowMode?: 'array'): Promise<unknown[]> {
  const logger = ds.logger;
  logger.logQuery(text, values);
  const started = Date.now();
  let rows: unknown[];
  try {
    const pool = (ds.driver as unknown as { master: Pool }).master;
    rows = (await pool.query({ name: nameOf(text), text, values, ...(rowMode ? { rowMode } : {}) })).rows;
  } catch (err) {
    logger.logQueryError(err as Error, text, values);
    throw new QueryFailedError(text, values, err as Error);
  }
  const ms = Date.now() - started;
  const slow = ds.options.maxQueryExecutionTime;
  if (slow && ms > slow) logger.logQuerySlow(ms, text, values);
  return rows;
}

/** `ds.query(text, values)` as a named statement (see runNamed): rows as objects. */
export function queryNamed<R>(ds: DataSource, text: string, values: unknown[]): Promise<R[]> {
  return runNamed(ds, text, values) as Promise<R[]>;
}
