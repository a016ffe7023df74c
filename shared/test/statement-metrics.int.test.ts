import { QueryFailedError } from 'typeorm';
import { createDataSource } from '../src/db';
import { createServiceMetrics, poolMetrics } from '../src/metrics';
import { queryNamed } from '../src/named-query';
import { createTestDatabase, type TestDatabase } from '../src/testing';

let db: TestDatabase;
beforeAll(async () => {
  db = await createTestDatabase('stmtmetrics');
});
afterAll(async () => {
  await db?.drop();
});

const value = (text: string, name: string) => Number(new RegExp(`^${name}(?:\\{[^}]*\\})? (\\S+)$`, 'm').exec(text)?.[1]);

it('/metrics counts the SQL statements the data source sent (what the bench reads per request)', async () => {
  const ds = createDataSource({ url: db.url, schema: 'public', entities: [], migrations: [] });
  await ds.initialize();
  try {
    const metrics = createServiceMetrics({ service: 'issues', defaultMetrics: false });
    poolMetrics(metrics, ds);
    const before = value(await metrics.registry.metrics(), 'plaza_db_statements_total');
    expect(Number.isFinite(before)).toBe(true);
    for (let i = 0; i < 3; i++) await ds.query('SELECT $1::int AS n', [i]);
    expect(value(await metrics.registry.metrics(), 'plaza_db_statements_total') - before).toBe(3);
  } finally {
    await ds.destroy();
  }
});

it('queryNamed answers as ds.query does, from one prepared statement per connection, counted like any statement', async () => {
  // One connection, so the prepared statement it holds can be seen from the pool itself.
  const ds = createDataSource({ url: db.url, schema: 'public', entities: [], migrations: [], poolSize: 1 });
  await ds.initialize();
  try {
    const metrics = createServiceMetrics({ service: 'issues', defaultMetrics: false });
    poolMetrics(metrics, ds);
    const text = `SELECT n, n * 2 AS twice, $2::text AS label FROM generate_series(1, $1::int) AS n`;
    const before = value(await metrics.registry.metrics(), 'plaza_db_statements_total');
    for (let i = 1; i <= 7; i++) {
      const named = await queryNamed<{ n: number; twice: number; label: string }>(ds, text, [i, `第${i}次`]);
      expect(named).toStrictEqual(await ds.query(text, [i, `第${i}次`]));
      expect(named).toHaveLength(i);
    }
    expect(value(await metrics.registry.metrics(), 'plaza_db_statements_total') - before).toBe(14);
    const prepared: { statement: string }[] = await ds.query(`SELECT statement FROM pg_prepared_statements`);
    expect(prepared.map((p) => p.statement)).toStrictEqual([text]);

    // A failure is typeorm's QueryFailedError, as from ds.query, and the statement stays usable.
    await expect(queryNamed(ds, text, ['not a number', 'x'])).rejects.toBeInstanceOf(QueryFailedError);
    expect(await queryNamed(ds, text, [1, 'again'])).toStrictEqual([{ n: 1, twice: 2, label: 'again' }]);
  } finally {
    await ds.destroy();
  }
});
