import 'reflect-metadata';
import { migrate, StatementCounter } from '@plaza/shared';
import { createTestDatabase, subgraphRequest, TEST_GATEWAY_SECRET, type TestDatabase } from '@plaza/shared/testing';
import type { Viewer } from '@plaza/shared';
import { createSessionsDataSource, SCHEMA } from '../src/data-source';
import { createServer } from '../src/server';

/** A real sessions subgraph on a fresh database, listening on a free port. */
export async function startSessions() {
  const db: TestDatabase = await createTestDatabase('sessions');
  const counter = new StatementCounter();
  const dataSource = createSessionsDataSource(db.url, counter);
  await dataSource.initialize();
  await migrate(dataSource, SCHEMA);
  const app = await createServer({ dataSource, gatewaySecret: TEST_GATEWAY_SECRET });
  const port = await app.listen(0);
  const url = `http://127.0.0.1:${port}/graphql`;
  return {
    url,
    dataSource,
    counter,
    request: <T = any>(query: string, variables: Record<string, unknown> = {}, as?: Viewer) => subgraphRequest<T>(url, query, variables, as),
    async stop() {
      await app.close();
      await dataSource.destroy();
      await db.drop();
    },
  };
}

export type SessionsHarness = Awaited<ReturnType<typeof startSessions>>;
