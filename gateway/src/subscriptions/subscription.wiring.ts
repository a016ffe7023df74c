import { randomUUID } from 'node:crypto';
import { extendSchema, parse, print, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import { ANONYMOUS, decodePayload, eventSeq, namedType, TOPIC_CONTRACTS, TOPICS, type Logger, type TopicMap, type TopicName, type Viewer } from '@plaza/shared';
import { RequestContext, type GatewayContext } from '../gateway';
import { FIELD_BINDINGS } from './subscription.fields';
import type { HydrateExecute } from './subscription.plan';
import type { Replay } from './topic.feed';

/**
 * The glue between the subscription server and this gateway: the schema subscribers validate
 * against (the supergraph's API schema plus the contract's Subscription), hydrations and replays
 * run through the gateway itself, in process (no extra HTTP hop, same plugins and subgraph
 * signing as a client's query).
 */

/**
 * The contract's subscription types, each added only when the supergraph does not have it: the
 * event types and their kind enums from the topic map's declarations, and the Subscription root
 * from the field bindings (subscription.fields.ts).
 */
export function subscriptionSchema(api: GraphQLSchema): GraphQLSchema {
  const bindings = Object.entries(FIELD_BINDINGS);
  const parts: string[] = [];
  const added = new Set<string>();
  const missing = (name: string) => !api.getType(name) && !added.has(name) && (added.add(name), true);
  for (const contract of Object.values(TOPIC_CONTRACTS)) {
    for (const f of Object.values(contract.fields)) {
      const values = enumValues(f.zod);
      if (values && missing(namedType(f.graphql))) parts.push(`enum ${namedType(f.graphql)} { ${values.join(' ')} }`);
    }
  }
  for (const [, b] of bindings) {
    if (missing(b.typeName)) parts.push(`type ${b.typeName} { ${b.fields.map((f) => `${f.name}: ${f.type}`).join('  ')} }`);
  }
  const root = bindings.map(([name, b]) => `  ${name}(${b.args ? `${b.args}, ` : ''}after: String): ${b.typeName}!`);
  parts.push(`type Subscription {\n${root.join('\n')}\n}`);
  // The API schema names its roots explicitly, so the new root must be named too.
  parts.push('extend schema { subscription: Subscription }');
  return extendSchema(api, parse(parts.join('\n')));
}

/** The values of a z.enum field (the event kinds), else null. */
function enumValues(zod: unknown): readonly string[] | null {
  const def = (zod as { _def?: { typeName?: string; values?: readonly string[] } })._def;
  return def?.typeName === 'ZodEnum' && def.values ? def.values : null;
}

/** Runs an operation through Apollo + the query planner as `viewer`, as a client query would. */
export function gatewayExecute(apollo: ApolloServer<GatewayContext>, log: Logger): HydrateExecute {
  return async (document: DocumentNode, variables: Record<string, unknown>, viewer: Viewer): Promise<ExecutionResult> => {
    const requestId = `sub-${randomUUID()}`;
    const res = await apollo.executeOperation({ query: document, variables }, { contextValue: new RequestContext(viewer, requestId, log) });
    if (res.body.kind !== 'single') throw new Error('hydration returned an incremental result');
    const r = res.body.singleResult;
    return { data: (r.data ?? null) as ExecutionResult['data'], ...(r.errors ? { errors: r.errors as never } : {}) };
  };
}

interface LogQuery {
  document: DocumentNode;
  field: string;
  toPayload: (node: Record<string, unknown>) => unknown;
}

/**
 * A topic's durable-log query through the supergraph, and how a node becomes a payload, both from
 * the topic's declared fields: the GraphQL ones selected by name, a hidden entity key (planId)
 * through its entity (`plan { id }`), seq from the cursor.
 */
function logQuery(topic: TopicName): LogQuery | null {
  const { log, fields } = TOPIC_CONTRACTS[topic];
  if (!log) return null;
  const read: [string, (n: Record<string, unknown>) => unknown][] = [];
  const select: string[] = [];
  for (const [name, f] of Object.entries(fields)) {
    if (!f.hidden) {
      select.push(name);
      read.push([name, (n) => n[name] ?? null]);
    } else if (f.entity) {
      const entity = f.entity.field;
      select.push(`${entity} { id }`);
      read.push([name, (n) => (n[entity] as { id?: string } | null | undefined)?.id ?? null]);
    }
  }
  const op = `PlazaReplay${topic[0]!.toUpperCase()}${topic.slice(1)}`;
  return {
    document: parse(`query ${op}($after: String, $first: Int) {
      ${log}(after: $after, first: $first) {
        edges { node { ${select.join(' ')} } }
        pageInfo { hasNextPage }
      }
    }`),
    field: log,
    toPayload: (n) => ({ ...Object.fromEntries(read.map(([name, get]) => [name, get(n)])), seq: eventSeq(n.cursor as string) }),
  };
}

const LOG_QUERIES = Object.fromEntries(TOPICS.flatMap((t) => [logQuery(t)].filter((q) => q !== null).map((q) => [t, q]))) as Partial<Record<TopicName, LogQuery>>;

/** Subgraph pages hold at most 100 rows (pageSize()); a longer replay page takes several. */
const LOG_PAGE = 100;

/**
 * Reads a topic's durable log after a cursor through the supergraph. The log holds routing keys
 * only (no personal data), so it is read as the anonymous viewer; each subscriber's own
 * authorization applies when its events are hydrated.
 */
export function gatewayReplay(execute: HydrateExecute): Replay {
  return async <K extends TopicName>(topic: K, afterCursor: string, limit: number): Promise<TopicMap[K][]> => {
    // Follow events have no log of their own: a gateway re-reads its residents' follows instead.
    const q = LOG_QUERIES[topic];
    if (!q) throw new Error(`topic ${topic} has no durable log to replay`);
    const out: TopicMap[K][] = [];
    let after = afterCursor;
    while (out.length < limit) {
      const first = Math.min(LOG_PAGE, limit - out.length);
      const r = await execute(q.document, { after, first }, ANONYMOUS);
      const conn = (r.data as Record<string, any> | null | undefined)?.[q.field];
      if (!conn) {
        const why = r.errors?.map((e) => e.message).join('; ') ?? 'no data';
        throw new Error(`${q.field} failed: ${why} (${print(q.document).split('\n')[0]})`);
      }
      for (const edge of conn.edges as { node: Record<string, unknown> }[]) out.push(decodePayload(topic, q.toPayload(edge.node)));
      if (!conn.pageInfo.hasNextPage || !conn.edges.length) break;
      after = out[out.length - 1]!.cursor;
    }
    return out;
  };
}
