import 'reflect-metadata';
import { migrate } from '@plaza/shared';
import { createTestDatabase, eventTableProblems, type TestDatabase } from '@plaza/shared/testing';
import type { DataSource } from 'typeorm';
import { createSessionsDataSource, SCHEMA } from '../src/data-source';
import { sessionEventPayload } from '../src/session-event/session-event.payload';

// The topic map (shared topics.ts) declares the messages; this holds sessions.session_event and
// this service's mapper to it: a field declared there without its column, or not mapped, fails here.
let db: TestDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase('sessions_contract');
  ds = createSessionsDataSource(db.url);
  await ds.initialize();
  await migrate(ds, SCHEMA);
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

it('sessions.session_event has every column of sessionEvents and sessionEventPayload fills every field', async () => {
  expect(await eventTableProblems((sql, params) => ds.query(sql, params), { schema: 'sessions', table: 'session_event', topic: 'sessionEvents', toPayload: sessionEventPayload })).toEqual([]);
});
