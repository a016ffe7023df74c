import { createDataSource } from '../src/db';
import { createServiceMetrics, poolMetrics } from '../src/metrics';
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
