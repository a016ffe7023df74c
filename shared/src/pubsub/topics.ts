import { z } from 'zod';
import { IssueCategory } from '../enums';
import { decodeCursor, encodeCursor } from '../pagination';

/**
 * The one map of every pub/sub channel and its payload, used by the relays that publish and the
 * gateway that subscribes. Payloads carry keys and filter fields only; the gateway resolves the
 * rest through the supergraph for each subscriber's selection.
 */

export const ISSUE_EVENT_KINDS = [
  'RAISED', 'CLAIMED', 'LEDGER_ADDED', 'LEDGER_DONE', 'FEEDBACK_GIVEN', 'EVALUATED', 'RECTIFICATION_STARTED',
  'ESCALATED', 'RESOLVED', 'REJECTED', 'CLOSED', 'OVERDUE', 'SUPPORT_CHANGED', 'PLAN_PROPOSED', 'PLAN_VOTED', 'PLAN_DECIDED',
  'PLAN_VOTE_OPENED', 'PLAN_VOTE_CLOSED',
] as const;
export type IssueEventKind = (typeof ISSUE_EVENT_KINDS)[number];

export const SESSION_EVENT_KINDS = [
  'SCHEDULED', 'STARTED', 'ATTENDANCE_UPDATED', 'CLOSED', 'CANCELLED', 'TOPIC_PROPOSED', 'TOPIC_DECIDED',
] as const;
export type SessionEventKind = (typeof SESSION_EVENT_KINDS)[number];

/** Issue kinds that change a vote tally; `voteTallies` is `issueEvents` narrowed to these. */
export const VOTE_TALLY_KINDS: readonly IssueEventKind[] = ['SUPPORT_CHANGED', 'PLAN_VOTED', 'PLAN_DECIDED', 'PLAN_VOTE_OPENED', 'PLAN_VOTE_CLOSED'];

// JSON has no Date: accept an ISO string (from the wire) or a Date (in-process) and rebuild it.
const date = z.union([z.date(), z.string().datetime({ offset: true })]).transform((v) => (v instanceof Date ? v : new Date(v)));
const id = z.string().min(1);
// traceparent: the W3C trace context of the relay's publish span (tracing on only), so the
// gateway's hydration and delivery join the trace of the mutation that wrote the event.
const base = { cursor: z.string().min(1), seq: z.number().int().positive(), at: date, traceparent: z.string().max(128).optional() };

const issueEvent = z.object({
  ...base,
  kind: z.enum(ISSUE_EVENT_KINDS),
  issueId: id,
  communityId: id,
  subdistrict: z.string(),
  sessionId: id.nullable(),
  category: z.nativeEnum(IssueCategory),
  planId: id.nullable(),
  supportCount: z.number().int().nonnegative().nullable(),
  // Optional: the timeline's public details, so IssueEvent's own fields need no hydration.
  actor: z.string().nullish(),
  note: z.string().nullish(),
  fromStatus: z.string().nullish(),
  toStatus: z.string().nullish(),
});

const sessionEvent = z.object({
  ...base,
  kind: z.enum(SESSION_EVENT_KINDS),
  communityId: id,
  sessionId: id.nullable(),
  topicId: id.nullable(),
});

/**
 * A resident started or stopped following a request (issue 14: followIssue, unfollowIssue, and
 * raising or supporting, which follow). Its seq comes from the same sequence as the issue events
 * and the issues relay publishes both in that one order, so a gateway learns of a follow before
 * any event committed after it. Gateways keep "who follows request X" for their subscribers.
 */
const followEvent = z.object({
  ...base,
  issueId: id,
  followerId: id,
  following: z.boolean(),
});

export type IssueEventMessage = z.output<typeof issueEvent>;
export type FollowEventMessage = z.output<typeof followEvent>;
export type SessionEventMessage = z.output<typeof sessionEvent>;

export interface TopicMap {
  issueEvents: IssueEventMessage;
  sessionEvents: SessionEventMessage;
  followEvents: FollowEventMessage;
}
export type TopicName = keyof TopicMap;

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
