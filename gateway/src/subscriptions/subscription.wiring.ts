import { randomUUID } from 'node:crypto';
import { extendSchema, parse, print, type DocumentNode, type ExecutionResult, type GraphQLSchema } from 'graphql';
import type { ApolloServer } from '@apollo/server';
import {
  ANONYMOUS,
  decodePayload,
  eventSeq,
  ISSUE_EVENT_KINDS,
  SESSION_EVENT_KINDS,
  type Logger,
  type TopicMap,
  type TopicName,
  type Viewer,
} from '@plaza/shared';
import { RequestContext, type GatewayContext } from '../gateway';
import type { HydrateExecute } from './subscription.plan';
import type { Replay } from './topic.feed';

/**
 * The glue between the subscription server and this gateway: the schema subscribers validate
 * against (the supergraph's API schema plus the contract's Subscription), hydrations and replays
 * run through the gateway itself, in process (no extra HTTP hop, same plugins and subgraph
 * signing as a client's query).
 */

/** The contract's subscription types, each added only when the supergraph does not have it. */
export function subscriptionSchema(api: GraphQLSchema): GraphQLSchema {
  const parts: string[] = [];
  if (!api.getType('IssueEventKind')) parts.push(`enum IssueEventKind { ${ISSUE_EVENT_KINDS.join(' ')} }`);
  if (!api.getType('SessionEventKind')) parts.push(`enum SessionEventKind { ${SESSION_EVENT_KINDS.join(' ')} }`);
  if (!api.getType('SessionEvent')) {
    parts.push('type SessionEvent { cursor: String!  kind: SessionEventKind!  at: DateTime!  session: Session  topic: TopicProposal }');
  }
  if (!api.getType('VoteTally')) parts.push('type VoteTally { cursor: String!  issue: Issue!  supportCount: Int!  plan: Plan }');
  parts.push(`type Subscription {
  issueEvents(communityId: ID, communityIds: [ID!], subdistrict: String, sessionId: ID, categories: [IssueCategory!], kinds: [IssueEventKind!], after: String): IssueEvent!
  voteTallies(sessionId: ID, issueId: ID, communityId: ID, after: String): VoteTally!
  sessionEvents(communityId: ID, after: String): SessionEvent!
  myIssueEvents(after: String): IssueEvent!
}`);
  // The API schema names its roots explicitly, so the new root must be named too.
  parts.push('extend schema { subscription: Subscription }');
  return extendSchema(api, parse(parts.join('\n')));
}

/** Runs an operation through Apollo + the query planner as `viewer`, as a client query would. */
export function gatewayExecute(apollo: ApolloServer<GatewayContext>, log: Logger): HydrateExecute {
  return async (document: DocumentNode, variables: Record<string, unknown>, viewer: Viewer): Promise<ExecutionResult> => {
    const requestId = `sub-${randomUUID()}`;
    const res = await apollo.executeOperation(
      { query: document, variables },
      { contextValue: new RequestContext(viewer, requestId, log) },
    );
    if (res.body.kind !== 'single') throw new Error('hydration returned an incremental result');
    const r = res.body.singleResult;
    return { data: (r.data ?? null) as ExecutionResult['data'], ...(r.errors ? { errors: r.errors as never } : {}) };
  };
}

/** The durable-log queries of each topic, through the supergraph, and how a node becomes a payload. */
const LOG_QUERIES: { [K in Exclude<TopicName, 'followEvents'>]: { document: DocumentNode; field: string; toPayload: (n: any) => unknown } } = {
  issueEvents: {
    document: parse(`query PlazaReplayIssueEvents($after: String, $first: Int) {
      issueEventLog(after: $after, first: $first) {
        edges { node { cursor kind at actor note fromStatus toStatus issueId communityId subdistrict sessionId category supportCount plan { id } } }
        pageInfo { hasNextPage }
      }
    }`),
    field: 'issueEventLog',
    toPayload: (n) => ({
      cursor: n.cursor, seq: eventSeq(n.cursor), kind: n.kind, at: n.at, issueId: n.issueId, communityId: n.communityId, subdistrict: n.subdistrict,
      sessionId: n.sessionId ?? null, category: n.category, planId: n.plan?.id ?? null, supportCount: n.supportCount ?? null,
      actor: n.actor ?? null, note: n.note ?? null, fromStatus: n.fromStatus ?? null, toStatus: n.toStatus ?? null,
    }),
  },
  sessionEvents: {
    document: parse(`query PlazaReplaySessionEvents($after: String, $first: Int) {
      sessionEventLog(after: $after, first: $first) {
        edges { node { cursor kind at communityId sessionId topicId } }
        pageInfo { hasNextPage }
      }
    }`),
    field: 'sessionEventLog',
    toPayload: (n) => ({ cursor: n.cursor, seq: eventSeq(n.cursor), kind: n.kind, at: n.at, communityId: n.communityId, sessionId: n.sessionId ?? null, topicId: n.topicId ?? null }),
  },
};

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
    if (!(topic in LOG_QUERIES)) throw new Error(`topic ${topic} has no durable log to replay`);
    const q = LOG_QUERIES[topic as keyof typeof LOG_QUERIES];
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
      for (const edge of conn.edges as { node: unknown }[]) out.push(decodePayload(topic, q.toPayload(edge.node)));
      if (!conn.pageInfo.hasNextPage || !conn.edges.length) break;
      after = out[out.length - 1]!.cursor;
    }
    return out;
  };
}
