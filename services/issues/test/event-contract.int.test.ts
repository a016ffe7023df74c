import 'reflect-metadata';
import { migrate } from '@plaza/shared';
import { createTestDatabase, eventTableProblems, type TestDatabase } from '@plaza/shared/testing';
import type { DataSource } from 'typeorm';
import { createIssuesDataSource, SCHEMA } from '../src/data-source';
import { followEventPayload, issueEventPayload } from '../src/issue-event/issue-event.payload';

// The topic map (shared topics.ts) declares the messages; this holds the issues tables and this
// service's mappers to it: a field declared there without its column, or not mapped, fails here.
let db: TestDatabase;
let ds: DataSource;

beforeAll(async () => {
  db = await createTestDatabase('issues_contract');
  ds = createIssuesDataSource(db.url);
  await ds.initialize();
  await migrate(ds, SCHEMA);
});

afterAll(async () => {
  await ds?.destroy();
  await db?.drop();
});

const query = (sql: string, params: unknown[]) => ds.query(sql, params);

it('issues.issue_event has every column of issueEvents and issueEventPayload fills every field', async () => {
  expect(await eventTableProblems(query, { schema: 'issues', table: 'issue_event', topic: 'issueEvents', toPayload: issueEventPayload })).toEqual([]);
});

it('issues.follow_event has every column of followEvents and followEventPayload fills every field', async () => {
  expect(await eventTableProblems(query, { schema: 'issues', table: 'follow_event', topic: 'followEvents', toPayload: followEventPayload })).toEqual([]);
});
