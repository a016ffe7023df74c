import 'reflect-metadata';
import { migrate, StatementCounter, type Viewer } from '@plaza/shared';
import { createTestDatabase, ok, subgraphRequest, TEST_GATEWAY_SECRET, viewer, type TestDatabase } from '@plaza/shared/testing';
import { createServer as createSessionsServer, createSessionsDataSource, SCHEMA as SESSIONS_SCHEMA } from '@plaza/sessions';
import { createIssuesDataSource, SCHEMA } from '../src/data-source';
import { createServer } from '../src/server';

/** A real sessions subgraph (for community, grid and session ids) on a database of its own. */
async function startSessions() {
  const db: TestDatabase = await createTestDatabase('issues_sessions');
  const dataSource = createSessionsDataSource(db.url);
  await dataSource.initialize();
  await migrate(dataSource, SESSIONS_SCHEMA);
  const app = await createSessionsServer({ dataSource, gatewaySecret: TEST_GATEWAY_SECRET });
  const port = await app.listen(0);
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    url,
    request: <T = any>(query: string, variables: Record<string, unknown> = {}, as?: Viewer) => subgraphRequest<T>(url, query, variables, as),
    async stop() {
      await app.close();
      await dataSource.destroy();
      await db.drop();
    },
  };
}

/** The issues subgraph on a fresh database, with a sessions subgraph beside it and a clock the test sets. */
export async function startIssues(o: { separateReads?: boolean } = {}) {
  const sessions = await startSessions();
  const db: TestDatabase = await createTestDatabase('issues');
  const counter = new StatementCounter();
  const dataSource = createIssuesDataSource(db.url, counter);
  await dataSource.initialize();
  await migrate(dataSource, SCHEMA);
  const clock = { now: null as Date | null };
  const now = () => clock.now ?? new Date();
  // separateReads: analytics on a second connection pool (as with DATABASE_READ_URL), counted apart.
  const readCounter = new StatementCounter();
  const readDataSource = o.separateReads ? await createIssuesDataSource(db.url, readCounter).initialize() : undefined;
  const app = await createServer({ dataSource, readDataSource, gatewaySecret: TEST_GATEWAY_SECRET, sessionsUrl: sessions.url, clock: now });
  const port = await app.listen(0);
  const url = `http://127.0.0.1:${port}/graphql`;
  const admin = viewer(['ADMIN'], [], 'admin');
  return {
    url,
    dbUrl: db.url,
    dataSource,
    counter,
    readCounter,
    sessions,
    /** Pins "now" for the service (null: the wall clock). */
    setNow(at: Date | null) {
      clock.now = at;
    },
    now,
    request: <T = any>(query: string, variables: Record<string, unknown> = {}, as?: Viewer) => subgraphRequest<T>(url, query, variables, as),
    async createCommunity(name: string, subdistrict = '三里河街道'): Promise<string> {
      const res = await sessions.request(`mutation($i: CreateCommunityInput!) { createCommunity(input: $i) { id } }`, { i: { name, subdistrict } }, admin);
      return ok(res).createCommunity.id;
    },
    async addGrid(communityId: string, name: string): Promise<string> {
      return ok(await sessions.request(`mutation($c: ID!, $n: String!) { addGrid(communityId: $c, name: $n) { id } }`, { c: communityId, n: name }, admin)).addGrid.id;
    },
    async scheduleSession(communityId: string, title = '广场夜话'): Promise<string> {
      const input = { communityId, title, venue: '社区文化广场', host: '李主任', scheduledAt: '2026-12-01T19:30:00+08:00' };
      return ok(await sessions.request(`mutation($i: ScheduleSessionInput!) { scheduleSession(input: $i) { id } }`, { i: input }, admin)).scheduleSession.id;
    },
    async stop() {
      await app.close();
      await dataSource.destroy();
      await readDataSource?.destroy();
      await db.drop();
      await sessions.stop();
    },
  };
}

export type IssuesHarness = Awaited<ReturnType<typeof startIssues>>;

export const RAISE = `mutation($input: RaiseIssueInput!) { raiseIssue(input: $input) { id title description category status level raisedBy reporterContact resolvedOnSite supportCount community { id } grid { id } session { id } } }`;
