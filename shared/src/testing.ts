import { randomBytes, randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DEFAULT_DATABASE_URL } from './env';
import { signIdentity } from './identity';
import { ANONYMOUS, type Role, type Viewer } from './viewer';
import { columnOf, namedType, type EventField, type EventRow } from './pubsub/event.contract';
import { decodePayload, TOPIC_CONTRACTS, type TopicName } from './pubsub/topics';
import { In, type DataSource, type EntityTarget, type ObjectLiteral } from 'typeorm';
import { rowsByKeys } from './entity-rows';

/**
 * Test helpers. Integration tests talk to the real PostgreSQL at DATABASE_URL (default
 * postgres://postgres@127.0.0.1:5432): each suite gets a database of its own and drops it after.
 */
export interface TestDatabase {
  url: string;
  name: string;
  drop(): Promise<void>;
}

export async function createTestDatabase(label: string): Promise<TestDatabase> {
  const base = new URL(process.env.DATABASE_URL || DEFAULT_DATABASE_URL);
  const admin = new URL(base.toString());
  admin.pathname = '/postgres';
  const name = `plaza_test_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}_${randomBytes(4).toString('hex')}`;
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE "${name}"`);
  } finally {
    await client.end();
  }
  const url = new URL(base.toString());
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    name,
    async drop() {
      const c = new Client({ connectionString: admin.toString() });
      await c.connect();
      try {
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await c.end();
      }
    },
  };
}

export const TEST_GATEWAY_SECRET = 'test-gateway-secret-0123456789abcdef';
export const TEST_JWT_SECRET = 'test-jwt-secret-0123456789abcdef';

export function viewer(roles: Role[] = [], communityIds: string[] = [], id = `u-${randomBytes(3).toString('hex')}`): Viewer {
  if (!roles.length) return ANONYMOUS;
  return { id, name: id, roles, communityIds };
}

export interface GraphQLResponse<T = any> {
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: Record<string, any> }[];
}

/** Sends an operation straight to a subgraph, signed as the gateway would sign it. */
export async function subgraphRequest<T = any>(url: string, query: string, variables: Record<string, unknown> = {}, as: Viewer = ANONYMOUS, secret = TEST_GATEWAY_SECRET): Promise<GraphQLResponse<T>> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...signIdentity(as, secret) },
    body: JSON.stringify({ query, variables }),
  });
  return (await res.json()) as GraphQLResponse<T>;
}

/** The data of a response that must have succeeded; fails the test with the errors otherwise. */
export function ok<T>(res: GraphQLResponse<T>): T {
  if (res.errors?.length || !res.data) throw new Error(`unexpected errors: ${JSON.stringify(res.errors)}`);
  return res.data;
}

/** The first error's code (and the rest of its extensions). */
export function errorOf(res: GraphQLResponse): { code: string; message: string; [k: string]: any } {
  const e = res.errors?.[0];
  if (!e) throw new Error(`expected an error, got data ${JSON.stringify(res.data)}`);
  return { ...(e.extensions ?? {}), code: String(e.extensions?.code), message: e.message };
}

/** A signed GET to a subgraph route (the gateway's proxy in miniature); `as` omitted sends no identity. */
export async function getRoute(graphqlUrl: string, path: string, as?: Viewer, secret = TEST_GATEWAY_SECRET) {
  const res = await fetch(graphqlUrl.replace(/\/graphql$/, '') + path, { headers: as ? signIdentity(as, secret) : {} });
  const bytes = new Uint8Array(await res.arrayBuffer());
  // fetch's text() would strip the BOM the tests want to see.
  return { status: res.status, headers: res.headers, bytes, text: new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes) };
}

/** RFC 4180, enough for the tests: quoted cells may hold commas, doubled quotes and line breaks. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') ((cell += '"'), i++);
      else if (ch === '"') quoted = false;
      else cell += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') (row.push(cell), (cell = ''));
    else if (ch === '\r' && text[i + 1] === '\n') (row.push(cell), rows.push(row), (row = []), (cell = ''), i++);
    else cell += ch;
  }
  if (cell || row.length) throw new Error(`CSV does not end with CRLF: ${JSON.stringify(text.slice(-50))}`);
  return rows;
}

/** The JSON error of a refused route call. */
export const routeError = (text: string) => JSON.parse(text).errors[0] as { message: string; extensions: { code: string; field?: string } };

/** A row of a topic's event table with a value in every declared column, as pg would return it. */
export function sampleEventRow(topic: TopicName, seq = 7): EventRow {
  const row: EventRow = { seq: String(seq) };
  for (const [name, f] of Object.entries(TOPIC_CONTRACTS[topic].fields)) {
    const column = columnOf(name, f);
    if (column !== null && column !== 'seq') row[column] = sampleValue(f);
  }
  return row;
}

function sampleValue(f: EventField): unknown {
  let def = (f.zod as { _def: { typeName: string; innerType?: { _def: unknown }; values?: unknown } })._def;
  while (def.innerType) def = def.innerType._def as typeof def;
  if (def.typeName === 'ZodEnum') return (def.values as string[])[0];
  if (def.typeName === 'ZodNativeEnum') return Object.values(def.values as object)[0];
  switch (namedType(f.graphql)) {
    case 'ID':
      return randomUUID();
    case 'Int':
      return 3;
    case 'Boolean':
      return true;
    case 'DateTime':
      return new Date('2026-01-02T03:04:05.000Z');
    default:
      return 'sample';
  }
}

/**
 * What breaks the contract between a topic's declared fields and the service table behind it:
 * a declared column the table lacks, a field the row mapper does not fill from a full row, or a
 * message the topic's decoder refuses. Empty when they agree.
 */
export async function eventTableProblems(
  query: (sql: string, params: unknown[]) => Promise<{ column_name: string }[]>,
  at: { schema: string; table: string; topic: TopicName; toPayload: (row: EventRow) => unknown },
): Promise<string[]> {
  const problems: string[] = [];
  const fields = TOPIC_CONTRACTS[at.topic].fields;
  const rows = await query('SELECT column_name FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2', [at.schema, at.table]);
  const columns = new Set(rows.map((r) => r.column_name));
  for (const [name, f] of Object.entries(fields)) {
    const column = columnOf(name, f);
    if (column !== null && !columns.has(column)) problems.push(`${at.topic}.${name}: ${at.schema}.${at.table} has no column ${column}`);
  }
  const payload = at.toPayload(sampleEventRow(at.topic)) as Record<string, unknown>;
  for (const [name, f] of Object.entries(fields)) {
    // A stored field must come out of a full row; traceparent is the relay's own, set at publish.
    const stored = columnOf(name, f) !== null || name === 'cursor';
    if (stored && payload[name] == null) problems.push(`${at.topic}.${name}: the row mapper leaves it ${payload[name] === null ? 'null' : 'out'} for a row that has it`);
  }
  try {
    decodePayload(at.topic, payload);
  } catch (e) {
    problems.push((e as Error).message);
  }
  return problems;
}

/**
 * The same rows read two ways, for the services' `rowsByKeys` tests: by `rowsByKeys` and by
 * typeorm's `find`, for up to 40 distinct values of `key` present in the table. Without an order
 * both lists are sorted by the entity's primary columns, so only their contents are compared.
 */
export async function rowsByKeysAndFind<T extends ObjectLiteral>(
  dataSource: DataSource,
  entity: EntityTarget<T>,
  key: keyof T & string,
  order: [keyof T & string, 'ASC' | 'DESC'][] = [],
): Promise<{ keys: number; fast: T[]; slow: T[] }> {
  const repo = dataSource.getRepository(entity);
  const some = [...new Set((await repo.find()).map((r) => r[key] as unknown).filter((k) => k != null))].slice(0, 40);
  const fast = await rowsByKeys(dataSource, entity, { key, order })(some as string[]);
  const slow = await repo.find({ where: { [key]: In(some) } as never, order: Object.fromEntries(order) as never });
  if (!order.length) {
    const primary = dataSource.getMetadata(entity).primaryColumns.map((c) => c.propertyName);
    const id = (r: T) => primary.map((p) => String(r[p])).join('\u0000');
    const byPrimary = (a: T, b: T) => id(a).localeCompare(id(b));
    fast.sort(byPrimary);
    slow.sort(byPrimary);
  }
  return { keys: some.length, fast, slow };
}
