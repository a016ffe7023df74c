import { z } from 'zod';
import { IssueCategory } from '../enums';
import { decodeCursor, encodeCursor } from '../pagination';
import { eventField as field, rowMapper, shapeOf, type EventFields, type EventRow } from './event.contract';

/**
 * The one map of every pub/sub channel and its payload, used by the relays that publish and the
 * gateway that subscribes. Payloads carry keys and filter fields only; the gateway resolves the
 * rest through the supergraph for each subscriber's selection.
 *
 * Each topic's fields are declared once below (event.contract.ts says what a declaration holds):
 * the decoder and message type, the services' row mappers, the gateway's replay query, its
 * Subscription SDL and field bindings all derive from them.
 */

export const ISSUE_EVENT_KINDS = [
  'RAISED',
  'CLAIMED',
  'LEDGER_ADDED',
  'LEDGER_DONE',
  'FEEDBACK_GIVEN',
  'EVALUATED',
  'RECTIFICATION_STARTED',
  'ESCALATED',
  'RESOLVED',
  'REJECTED',
  'CLOSED',
  'OVERDUE',
  'SUPPORT_CHANGED',
  'PLAN_PROPOSED',
  'PLAN_VOTED',
  'PLAN_DECIDED',
  // PLAN_VOTE_OPENED: staff opened a plan's vote (issue 13), note: the closing time if any.
  // PLAN_VOTE_CLOSED: a plan's vote closed (by staff, or by itself at its closing time), note: the final tally.
  'PLAN_VOTE_OPENED',
  'PLAN_VOTE_CLOSED',
] as const;
export type IssueEventKind = (typeof ISSUE_EVENT_KINDS)[number];

export const SESSION_EVENT_KINDS = ['SCHEDULED', 'STARTED', 'ATTENDANCE_UPDATED', 'CLOSED', 'CANCELLED', 'TOPIC_PROPOSED', 'TOPIC_DECIDED'] as const;
export type SessionEventKind = (typeof SESSION_EVENT_KINDS)[number];

/** A kind list as an enum-like object (`IssueEventKind.RAISED`), for type-graphql's registerEnumType. */
const enumOf = <T extends string>(values: readonly T[]) => Object.freeze(Object.fromEntries(values.map((v) => [v, v]))) as { readonly [V in T]: V };
/** The contract's IssueEventKind; the issues service registers it with type-graphql. */
export const IssueEventKind = enumOf(ISSUE_EVENT_KINDS);
/** The contract's SessionEventKind; the sessions service registers it with type-graphql. */
export const SessionEventKind = enumOf(SESSION_EVENT_KINDS);

/** Issue kinds that change a vote tally; `voteTallies` is `issueEvents` narrowed to these. */
export const VOTE_TALLY_KINDS: readonly IssueEventKind[] = ['SUPPORT_CHANGED', 'PLAN_VOTED', 'PLAN_DECIDED', 'PLAN_VOTE_OPENED', 'PLAN_VOTE_CLOSED'];

// JSON has no Date: accept an ISO string (from the wire) or a Date (in-process) and rebuild it.
const date = z.union([z.date(), z.string().datetime({ offset: true })]).transform((v) => (v instanceof Date ? v : new Date(v)));
const id = z.string().min(1);

const base = {
  cursor: field(z.string().min(1), 'String!', { column: null }),
  // bigserial; `Int` here only says "a number" (it is never a GraphQL field).
  seq: field(z.number().int().positive(), 'Int!', { hidden: true }),
  at: field(date, 'DateTime!'),
  // The W3C trace context of the relay's publish span (tracing on only), so the gateway's
  // hydration and delivery join the trace of the mutation that wrote the event. The relay sets
  // it; the table's own traceparent column is the writer's, read by the relay.
  traceparent: field(z.string().max(128).optional(), 'String', { column: null, hidden: true }),
};

/** `issues.issue_event` -> `issueEvents`; the GraphQL type is the issues subgraph's IssueEvent. */
export const ISSUE_EVENT_FIELDS = {
  ...base,
  kind: field(z.enum(ISSUE_EVENT_KINDS), 'IssueEventKind!'),
  // Optional: the timeline's public details, so IssueEvent's own fields need no hydration.
  actor: field(z.string().nullish(), 'String'),
  note: field(z.string().nullish(), 'String'),
  fromStatus: field(z.string().nullish(), 'IssueStatus', { column: 'from_status' }),
  toStatus: field(z.string().nullish(), 'IssueStatus', { column: 'to_status' }),
  issueId: field(id, 'ID!', { entity: { field: 'issue', type: 'Issue' } }),
  communityId: field(id, 'ID!'),
  subdistrict: field(z.string(), 'String!'),
  sessionId: field(id.nullable(), 'ID'),
  category: field(z.nativeEnum(IssueCategory), 'IssueCategory!'),
  supportCount: field(z.number().int().nonnegative().nullable(), 'Int'),
  planId: field(id.nullable(), 'ID', { hidden: true, entity: { field: 'plan', type: 'Plan' } }),
} satisfies EventFields;

/** `sessions.session_event` -> `sessionEvents`; the GraphQL type is the sessions subgraph's SessionEvent. */
export const SESSION_EVENT_FIELDS = {
  ...base,
  kind: field(z.enum(SESSION_EVENT_KINDS), 'SessionEventKind!'),
  communityId: field(id, 'ID!'),
  sessionId: field(id.nullable(), 'ID', { entity: { field: 'session', type: 'Session' } }),
  topicId: field(id.nullable(), 'ID', { entity: { field: 'topic', type: 'TopicProposal' } }),
} satisfies EventFields;

/**
 * `issues.follow_event` -> `followEvents`: a resident started or stopped following a request
 * (issue 14: followIssue, unfollowIssue, and raising or supporting, which follow). Its seq comes
 * from the same sequence as the issue events and the issues relay publishes both in that one
 * order, so a gateway learns of a follow before any event committed after it. Gateways keep "who
 * follows request X" for their subscribers. No GraphQL type: it never reaches a client.
 */
export const FOLLOW_EVENT_FIELDS = {
  ...base,
  issueId: field(id, 'ID!'),
  followerId: field(id, 'ID!'),
  following: field(z.boolean(), 'Boolean!'),
} satisfies EventFields;

const issueEvent = z.object(shapeOf(ISSUE_EVENT_FIELDS));
const sessionEvent = z.object(shapeOf(SESSION_EVENT_FIELDS));
const followEvent = z.object(shapeOf(FOLLOW_EVENT_FIELDS));

export type IssueEventMessage = z.output<typeof issueEvent>;
export type FollowEventMessage = z.output<typeof followEvent>;
export type SessionEventMessage = z.output<typeof sessionEvent>;

export interface TopicMap {
  issueEvents: IssueEventMessage;
  sessionEvents: SessionEventMessage;
  followEvents: FollowEventMessage;
}
export type TopicName = keyof TopicMap;

/** A topic's declaration: its fields, and for the ones clients see, the GraphQL type and the supergraph query of its durable log. */
export interface TopicContract {
  fields: EventFields;
  typeName?: string;
  log?: string;
}

export const TOPIC_CONTRACTS: { [K in TopicName]: TopicContract } = {
  issueEvents: { fields: ISSUE_EVENT_FIELDS, typeName: 'IssueEvent', log: 'issueEventLog' },
  sessionEvents: { fields: SESSION_EVENT_FIELDS, typeName: 'SessionEvent', log: 'sessionEventLog' },
  // Follow events have no log of their own: a gateway re-reads its residents' follows instead.
  followEvents: { fields: FOLLOW_EVENT_FIELDS },
};

const decoders: { [K in TopicName]: z.ZodType<TopicMap[K], z.ZodTypeDef, unknown> } = {
  issueEvents: issueEvent,
  sessionEvents: sessionEvent,
  followEvents: followEvent,
};

export const TOPICS = Object.keys(decoders) as TopicName[];

export const isTopic = (name: string): name is TopicName => Object.prototype.hasOwnProperty.call(decoders, name);

/** Misuse of the bus fails loudly: names the topic, what was expected and what arrived. */
export class PayloadError extends Error {
  constructor(topic: string, detail: string) {
    super(`payload of topic "${topic}" is malformed: ${detail}`);
    this.name = 'PayloadError';
  }
}

export function assertTopic(name: string): asserts name is TopicName {
  if (!isTopic(name)) throw new PayloadError(name, `unknown topic; expected one of ${TOPICS.join(', ')}`);
}

/** A received (or about-to-be-sent) value -> the topic's payload, or PayloadError. */
export function decodePayload<K extends TopicName>(topic: K, value: unknown): TopicMap[K] {
  assertTopic(topic);
  const decoder = decoders[topic];
  const r = decoder.safeParse(value);
  if (!r.success) {
    const detail = r.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new PayloadError(topic, detail);
  }
  return r.data;
}

/** Event cursors are opaque keyset cursors over the log's `seq`; the order of seq is the order of events. */
export const eventCursor = (seq: number): string => encodeCursor([seq]);

/** The seq an event cursor stands for, or null when it is not one of ours. */
export function eventSeq(cursor: string | null | undefined): number | null {
  try {
    const v = decodeCursor(cursor, 1);
    return v && typeof v[0] === 'number' && Number.isSafeInteger(v[0]) ? v[0] : null;
  } catch {
    return null;
  }
}

/**
 * The mapper from a row of a topic's event table to its message, built from the topic's fields
 * (every stored field read from its column). The service that owns the table exports it and
 * hands it to its relay.
 */
export const topicRowMapper = <K extends TopicName>(topic: K): ((row: EventRow) => TopicMap[K]) => rowMapper<TopicMap[K]>(TOPIC_CONTRACTS[topic].fields, eventCursor);
