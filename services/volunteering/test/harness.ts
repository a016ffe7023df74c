import 'reflect-metadata';
import { migrate, StatementCounter, type Viewer } from '@plaza/shared';
import { createTestDatabase, subgraphRequest, TEST_GATEWAY_SECRET, type TestDatabase } from '@plaza/shared/testing';
// @plaza/sessions is a test-only dependency: package.json should list it under devDependencies.
import { buildSessionsSchema, createServer as createSessionsServer, createSessionsDataSource, SCHEMA as SESSIONS_SCHEMA } from '@plaza/sessions';
import { createVolunteeringDataSource, SCHEMA } from '../src/data-source';
import { SubgraphDirectory, type CommunityOwned, type ForeignDirectory } from '../src/federation/subgraphs.directory';
import { createServer } from '../src/server';

/**
 * Communities come from a real sessions subgraph. Issues come from a test double: the issues
 * subgraph is being written alongside this one. Sessions come from the real subgraph when it
 * already serves the Session entity, else from the double too (`sessionsServeSessions` says which).
 */
class HarnessDirectory implements ForeignDirectory {
  readonly issues = new Map<string, CommunityOwned>();
  readonly sessions = new Map<string, CommunityOwned>();
  issueLookups = 0;

  constructor(
    private readonly real: SubgraphDirectory,
    private readonly realSessions: boolean,
  ) {}

  community(id: string) {
    return this.real.community(id);
  }

  async session(id: string) {
    return this.realSessions ? this.real.session(id) : (this.sessions.get(id) ?? null);
  }

  async issue(id: string) {
    this.issueLookups++;
    return this.issues.get(id) ?? null;
  }
}

const ADMIN: Viewer = { id: 'harness-admin', name: 'harness-admin', roles: ['ADMIN'], communityIds: [] };

/** A real sessions subgraph and a real volunteering subgraph on one fresh database, each on a free port. */
export async function startVolunteering() {
  const db: TestDatabase = await createTestDatabase('volunteering');

  const sessionsDs = createSessionsDataSource(db.url);
  await sessionsDs.initialize();
  await migrate(sessionsDs, SESSIONS_SCHEMA);
  const sessionsApp = await createSessionsServer({ dataSource: sessionsDs, gatewaySecret: TEST_GATEWAY_SECRET });
  const sessionsUrl = `http://127.0.0.1:${await sessionsApp.listen(0)}/graphql`;
  const sessionsServeSessions = /\btype Session\b/.test((await buildSessionsSchema()).sdl);

  const counter = new StatementCounter();
  const dataSource = createVolunteeringDataSource(db.url, counter);
  await dataSource.initialize();
  await migrate(dataSource, SCHEMA);
  // The issues URL is never called: issue lookups go to the double.
  const real = SubgraphDirectory.fromUrls({ sessionsUrl, issuesUrl: 'http://127.0.0.1:9/graphql' }, TEST_GATEWAY_SECRET);
  const directory = new HarnessDirectory(real, sessionsServeSessions);
  const app = await createServer({ dataSource, gatewaySecret: TEST_GATEWAY_SECRET, directory });
  const url = `http://127.0.0.1:${await app.listen(0)}/graphql`;

  return {
    url,
    sessionsUrl,
    sessionsServeSessions,
    dataSource,
    counter,
    directory,
    request: <T = any>(query: string, variables: Record<string, unknown> = {}, as?: Viewer) => subgraphRequest<T>(url, query, variables, as),
    sessionsRequest: <T = any>(query: string, variables: Record<string, unknown> = {}, as?: Viewer) => subgraphRequest<T>(sessionsUrl, query, variables, as),
    /** A community created through the real sessions subgraph, as ADMIN. */
    async createCommunity(name: string, subdistrict = '三里河街道'): Promise<{ id: string; subdistrict: string }> {
      const res = await subgraphRequest(sessionsUrl, `mutation($input: CreateCommunityInput!) { createCommunity(input: $input) { id subdistrict } }`, { input: { name, subdistrict } }, ADMIN);
      if (!res.data) throw new Error(`createCommunity failed: ${JSON.stringify(res.errors)}`);
      return res.data.createCommunity;
    },
    async stop() {
      await app.close();
      await sessionsApp.close();
      await dataSource.destroy();
      await sessionsDs.destroy();
      await db.drop();
    },
  };
}

export type VolunteeringHarness = Awaited<ReturnType<typeof startVolunteering>>;
