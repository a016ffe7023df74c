import { startStack, type Stack } from './stack';

/**
 * A 100,000-row export streams: the gateway (and the issues subgraph, in this same process)
 * hold one batch at a time. Measured as the heap that survives a full GC while the download is
 * under way — garbage does not count, retained rows do. Needs `node --expose-gc` (the gateway's
 * test script passes it).
 */
const ROWS = 100_000;
let stack: Stack;

beforeAll(async () => {
  stack = await startStack({ only: ['sessions', 'issues'] });
  const { Client } = require('pg') as typeof import('pg');
  const c = new Client({ connectionString: stack.db.url });
  await c.connect();
  try {
    await c.query(
      `INSERT INTO issues.issue (title, description, category, status, level, community_id, subdistrict, raised_at, raised_by, reporter_id, reporter_contact, support_count)
       SELECT '第' || g || '号诉求：小区路灯损坏，晚上出行不便', '描述' || g, 'PUBLIC_FACILITIES', 'SUBMITTED', 'GRID',
              '00000000-0000-4000-8000-000000000001', '阜安街道', timestamp '2025-01-01' + g * interval '1 minute', '王大爷', 'r' || g, '13900000000', g % 50
       FROM generate_series(1, ${ROWS}) g`,
    );
  } finally {
    await c.end();
  }
}, 120_000);

afterAll(async () => {
  await stack?.stop();
});

it('streams 100,000 rows with bounded retained memory', async () => {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc (see gateway/package.json "test")');
  const analyst = await stack.as(['ANALYST']);
  gc();
  const baseline = process.memoryUsage().heapUsed;
  const res = await fetch(`${stack.origin}/export/issues.csv`, { headers: { authorization: `Bearer ${analyst}` } });
  expect(res.status).toBe(200);
  const reader = res.body!.getReader();
  let bytes = 0;
  let newlines = 0;
  let nextSample = 2 * 1024 * 1024;
  let peakRetained = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.length;
    for (const b of value) if (b === 0x0a) newlines++;
    if (bytes >= nextSample) {
      nextSample += 2 * 1024 * 1024;
      gc();
      peakRetained = Math.max(peakRetained, process.memoryUsage().heapUsed - baseline);
    }
  }
  expect(newlines).toBe(ROWS + 1); // header + rows
  expect(bytes).toBeGreaterThan(10 * 1024 * 1024);
  // Holding the rows would retain more than the body's size; one batch is well under 16 MB.
  expect(peakRetained).toBeLessThan(16 * 1024 * 1024);
  console.log(`export: ${ROWS} rows, ${(bytes / 1048576).toFixed(1)} MiB streamed, peak retained heap +${(peakRetained / 1048576).toFixed(1)} MiB`);
}, 120_000);
