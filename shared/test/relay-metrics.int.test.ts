import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import type { DataSource } from 'typeorm';
import { createServiceMetrics, relayMetrics } from '../src/metrics';
import type { PubSub } from '../src/pubsub/pubsub';
import { topicRowMapper } from '../src/pubsub/topics';
import { OutboxRelay } from '../src/relay';

const issueEventPayload = topicRowMapper('issueEvents');
import { createTestDatabase, type TestDatabase } from '../src/testing';

const DDL = `
CREATE SCHEMA evt;
CREATE TABLE evt.issue_event (
  seq bigserial PRIMARY KEY, issue_id uuid NOT NULL, kind text NOT NULL, at timestamptz NOT NULL DEFAULT now(),
  actor text, note text, from_status text, to_status text, community_id uuid NOT NULL, subdistrict text NOT NULL,
  session_id uuid, category text NOT NULL, plan_id uuid, support_count int)`;

let db: TestDatabase;
let admin: Client;

beforeAll(async () => {
  db = await createTestDatabase('relaymetrics');
  admin = new Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(DDL);
});

afterAll(async () => {
  await admin?.end();
  await db?.drop();
});

const until = async (check: () => boolean | Promise<boolean>, ms = 5000) => {
  const end = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 25));
  }
};

const value = (text: string, name: string) => Number(new RegExp(`^${name}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);

it('backlog and lag rise while the bus refuses, and fall to 0 once the relay publishes', async () => {
  // Three events committed 30 s ago that no relay published.
  for (let i = 0; i < 3; i++) {
    await admin.query(`INSERT INTO evt.issue_event (issue_id, kind, community_id, subdistrict, category, at) VALUES ($1, 'RAISED', $2, '阜安街道', 'SAFETY', now() - interval '30 seconds')`, [
      randomUUID(),
      randomUUID(),
    ]);
  }
  let busUp = false;
  // A bus that refuses while "Redis is down" (the relay's own handling is tested in relay.int.test.ts).
  const bus = {
    publish: async () => {
      if (!busUp) throw new Error('bus down');
    },
  } as unknown as PubSub;
  const relay = new OutboxRelay({ url: db.url, schema: 'evt', table: 'issue_event', topic: 'issueEvents', toPayload: issueEventPayload, pubsub: bus, pollMs: 20, maxBackoffMs: 50 }).start();
  try {
    const metrics = createServiceMetrics({ service: 'issues', defaultMetrics: false });
    const dataSource = { query: async (sql: string, params: unknown[]) => (await admin.query(sql, params)).rows } as unknown as DataSource;
    relayMetrics(metrics, { relay, dataSource, schema: 'evt', table: 'issue_event' });
    // Leader, and its offset table made (the gauges read it).
    await until(async () => !Number.isNaN(value(await metrics.registry.metrics(), 'plaza_relay_backlog')));
    let text = await metrics.registry.metrics();
    expect(value(text, 'plaza_relay_backlog')).toBe(3);
    expect(value(text, 'plaza_relay_lag_seconds')).toBeGreaterThanOrEqual(29);
    expect(value(text, 'plaza_relay_leader')).toBe(1);
    expect(value(text, 'plaza_relay_published_total')).toBe(0);

    busUp = true;
    await until(() => relay.position === 3);
    await until(async () => value(await metrics.registry.metrics(), 'plaza_relay_backlog') === 0);
    text = await metrics.registry.metrics();
    expect(value(text, 'plaza_relay_lag_seconds')).toBe(0);
    expect(value(text, 'plaza_relay_published_total')).toBe(3);
  } finally {
    await relay.stop();
  }
});
