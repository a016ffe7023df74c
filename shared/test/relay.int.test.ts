import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_REDIS_URL } from '../src/env';
import { RedisPubSub } from '../src/pubsub/redis';
import type { PubSub } from '../src/pubsub/pubsub';
import { decodePayload, eventCursor, topicRowMapper, type FollowEventMessage, type IssueEventMessage } from '../src/pubsub/topics';
import { OutboxRelay, relayOffsetDdl } from '../src/relay';
import { createTestDatabase, type TestDatabase } from '../src/testing';
import { collector, settle, tcpProxy } from './fixtures';

const REDIS = new URL(process.env.REDIS_URL || DEFAULT_REDIS_URL);

// The shape of issues.issue_event, in a schema of the test's own.
const DDL = `
CREATE SCHEMA evt;
CREATE TABLE evt.issue_event (
  seq bigserial PRIMARY KEY, issue_id uuid NOT NULL, kind text NOT NULL, at timestamptz NOT NULL DEFAULT now(),
  actor text, note text, from_status text, to_status text, community_id uuid NOT NULL, subdistrict text NOT NULL,
  session_id uuid, category text NOT NULL, plan_id uuid, support_count int)`;

// The services export these same mappers for their own tables (issue-event.payload.ts, session-event.payload.ts).
const toPayload = topicRowMapper('issueEvents');
const followEventPayload = topicRowMapper('followEvents');
const sessionEventPayload = topicRowMapper('sessionEvents');

let db: TestDatabase;
let admin: Client;
const community = randomUUID();

/** Writes `n` events the way the services do: one transaction each, lock just before insert. */
async function write(n: number, parallel = 1) {
  const clients = await Promise.all(
    Array.from({ length: parallel }, async () => {
      const c = new Client({ connectionString: db.url });
      await c.connect();
      return c;
    }),
  );
  let left = n;
  await Promise.all(
    clients.map(async (c) => {
      while (left > 0) {
        left--;
        await c.query('BEGIN');
        await c.query("SELECT pg_advisory_xact_lock(hashtext('evt.issue_event'))");
        await c.query(`INSERT INTO evt.issue_event (issue_id, kind, community_id, subdistrict, category, actor, to_status) VALUES ($1, 'RAISED', $2, '阜安街道', 'SAFETY', '张阿姨', 'SUBMITTED')`, [
          randomUUID(),
          community,
        ]);
        await c.query('COMMIT');
      }
      await c.end();
    }),
  );
}

const storedOffset = async (name: string) => Number((await admin.query('SELECT seq FROM evt.relay_offset WHERE name = $1', [name])).rows[0]?.seq ?? 0);
const maxSeq = async () => Number((await admin.query('SELECT max(seq) AS m FROM evt.issue_event')).rows[0].m ?? 0);

beforeAll(async () => {
  db = await createTestDatabase('relay');
  admin = new Client({ connectionString: db.url });
  await admin.connect();
  await admin.query(DDL);
});
afterAll(async () => {
  await admin.end();
  await db.drop();
});

describe('OutboxRelay', () => {
  const buses: PubSub[] = [];
  const relays: OutboxRelay<'issueEvents'>[] = [];
  const prefix = `plaza-test-${randomBytes(4).toString('hex')}`;
  const bus = (url = REDIS.toString()) => {
    const b = new RedisPubSub({ url, prefix, publishTimeoutMs: 200 });
    buses.push(b);
    return b;
  };
  const relay = (pubsub: PubSub, name = 'relay-test') => {
    const r = new OutboxRelay({ url: db.url, schema: 'evt', table: 'issue_event', topic: 'issueEvents', toPayload, pubsub, name, pollMs: 20, maxBackoffMs: 200, standbyMs: 100 });
    relays.push(r);
    return r.start();
  };
  afterEach(async () => {
    await Promise.all(relays.splice(0).map((r) => r.stop()));
    await Promise.all(buses.splice(0).map((b) => b.close()));
  });

  it('publishes committed events once each, in seq order, and stores its offset', async () => {
    const listener = bus();
    const c = collector<IssueEventMessage>();
    await listener.subscribe('issueEvents', c.handler);
    await write(300, 6);
    relay(bus());
    await c.until(300, 5000);
    const seqs = c.got.map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(new Set(seqs).size).toBe(300);
    expect(c.got[0]!.at).toBeInstanceOf(Date);
    expect(c.got[0]!.communityId).toBe(community);
    expect(c.got[0]).toMatchObject({ actor: '张阿姨', toStatus: 'SUBMITTED', note: null, sessionId: null });
    for (let i = 0; i < 20 && (await storedOffset('relay-test')) !== (await maxSeq()); i++) await settle(50);
    expect(await storedOffset('relay-test')).toBe(await maxSeq());
  });

  it('resumes from its stored offset after a restart', async () => {
    const listener = bus();
    const c = collector<IssueEventMessage>();
    await listener.subscribe('issueEvents', c.handler);
    const before = await maxSeq();
    await write(10);
    const r = relay(bus());
    await c.until(10);
    await settle(200);
    expect(c.got.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => before + i + 1));
    expect(r.published).toBe(10);
  });

  it('publishes right away on poke()', async () => {
    const listener = bus();
    const c = collector<IssueEventMessage>();
    await listener.subscribe('issueEvents', c.handler);
    const r = new OutboxRelay({ url: db.url, schema: 'evt', table: 'issue_event', topic: 'issueEvents', toPayload, pubsub: bus(), name: 'relay-test', pollMs: 60_000 });
    relays.push(r);
    r.start();
    for (let i = 0; i < 40 && !r.isLeader; i++) await settle(25);
    await settle(100); // let its first (empty) round finish and go to sleep
    await write(1);
    const t0 = Date.now();
    r.poke();
    await c.until(1, 1000);
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('keeps its offset while Redis is unreachable and delivers everything when Redis returns', async () => {
    const listener = bus();
    const c = collector<IssueEventMessage>();
    await listener.subscribe('issueEvents', c.handler);
    const proxy = await tcpProxy({ host: REDIS.hostname, port: Number(REDIS.port || 6379) });
    try {
      const r = relay(bus(proxy.url));
      for (let i = 0; i < 40 && !r.isLeader; i++) await settle(25);
      const before = await maxSeq();
      await proxy.down();
      await write(25); // mutations go on without Redis
      await settle(500);
      expect(c.got).toHaveLength(0);
      expect(await storedOffset('relay-test')).toBe(before);
      await proxy.up();
      await c.until(25, 5000);
      expect(c.got.map((e) => e.seq)).toEqual(Array.from({ length: 25 }, (_, i) => before + i + 1));
    } finally {
      await proxy.down();
    }
  });

  it('one relay is active across replicas; a standby takes over when it stops', async () => {
    // At least once: an earlier test may have left events published but not yet stored as its
    // offset, and the first leader sends those again. Listen only once it has caught up.
    const before = await maxSeq();
    const a = relay(bus());
    for (let i = 0; i < 120 && !(a.isLeader && a.position >= before); i++) await settle(25);
    const listener = bus();
    const c = collector<IssueEventMessage>();
    await listener.subscribe('issueEvents', c.handler);
    const b = relay(bus());
    await settle(200);
    expect([a.isLeader, b.isLeader]).toEqual([true, false]);
    await write(5);
    await c.until(5);
    await a.stop();
    await write(5);
    await c.until(10, 3000);
    expect(b.isLeader).toBe(true);
    expect(c.got.map((e) => e.seq)).toEqual(Array.from({ length: 10 }, (_, i) => before + i + 1));
  });

  it('publishes a table alongside in the one seq order, across batches (follows before the events after them)', async () => {
    await admin.query(`CREATE TABLE IF NOT EXISTS evt.follow_event (
      seq bigint PRIMARY KEY DEFAULT nextval(pg_get_serial_sequence('evt.issue_event', 'seq')::regclass),
      issue_id uuid NOT NULL, follower_id text NOT NULL, following boolean NOT NULL, at timestamptz NOT NULL DEFAULT now())`);
    const listener = bus();
    const got: { topic: string; seq: number }[] = [];
    const c = collector<unknown>();
    await listener.subscribe('issueEvents', (e) => (got.push({ topic: 'issueEvents', seq: e.seq }), c.handler(e)));
    await listener.subscribe('followEvents', (e: FollowEventMessage) => (got.push({ topic: 'followEvents', seq: e.seq }), c.handler(e)));
    const from = await maxSeq();
    // Starts where the log is now (the earlier tests' events are not this test's).
    await admin.query(relayOffsetDdl('evt'));
    await admin.query(`INSERT INTO evt.relay_offset (name, seq) VALUES ('relay-alongside', $1)`, [from]);
    // Interleaved writers of both tables, as follows and events are written.
    const follows = (async () => {
      const w = new Client({ connectionString: db.url });
      await w.connect();
      for (let i = 0; i < 40; i++) {
        await w.query('BEGIN');
        await w.query("SELECT pg_advisory_xact_lock(hashtext('evt.issue_event'))");
        await w.query(`INSERT INTO evt.follow_event (issue_id, follower_id, following) VALUES ($1, $2, $3)`, [randomUUID(), `r-${i}`, i % 3 !== 0]);
        await w.query('COMMIT');
      }
      await w.end();
    })();
    await Promise.all([write(60, 3), follows]);
    const r = new OutboxRelay({
      url: db.url,
      schema: 'evt',
      table: 'issue_event',
      topic: 'issueEvents',
      toPayload,
      pubsub: bus(),
      name: 'relay-alongside',
      pollMs: 20,
      batchSize: 7,
      alongside: { table: 'follow_event', topic: 'followEvents', toPayload: followEventPayload },
    });
    relays.push(r);
    r.start();
    await c.until(100, 5000);
    await settle(200);
    const seqs = got.map((g) => g.seq);
    expect(got.length).toBe(100);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
    expect(seqs[0]).toBeGreaterThan(from);
    expect(got.filter((g) => g.topic === 'followEvents')).toHaveLength(40);
    expect(new Set(got.map((g) => g.topic)).size).toBe(2);
  });
});

describe('row mappers', () => {
  it('map the event tables to payloads that pass the topic check', () => {
    expect(decodePayload('followEvents', followEventPayload({ seq: '9', issue_id: randomUUID(), follower_id: 'r-1', following: true, at: new Date() }))).toMatchObject({
      seq: 9,
      cursor: eventCursor(9),
      following: true,
    });
    const row = { seq: '12', kind: 'TOPIC_PROPOSED', at: new Date(), community_id: randomUUID(), session_id: null, topic_id: randomUUID(), actor: 'x' };
    const p = sessionEventPayload(row);
    expect(decodePayload('sessionEvents', p)).toEqual({ ...p });
    expect(p).toMatchObject({ seq: 12, cursor: eventCursor(12), sessionId: null });
  });
});
