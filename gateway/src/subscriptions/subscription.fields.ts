import { VOTE_TALLY_KINDS, type IssueEventMessage, type SessionEventMessage, type TopicMap, type TopicName } from '@plaza/shared';

/**
 * How each root field of the contract's `Subscription` maps onto a topic: which events match
 * its arguments (checked before any hydration), which of the payload type's fields the event
 * carries itself, and which are entities resolved through the supergraph by key.
 */

/** An entity field of an event type and the supergraph query that resolves it from the key. */
export type EntityKind = 'issue' | 'plan' | 'session' | 'topic';

export interface FieldBinding<K extends TopicName = TopicName> {
  topic: K;
  /** The event object type, e.g. IssueEvent. */
  typeName: string;
  matches: (event: TopicMap[K], args: Record<string, any>) => boolean;
  /** Field name -> value taken from the event, for the fields an event carries. */
  scalars: Record<string, (event: TopicMap[K]) => unknown>;
  /** Field name -> entity resolved through the supergraph. */
  entities: Record<string, EntityKind>;
  /** Field that falls back to the supergraph when the event lacks it (VoteTally.supportCount). */
  /** Delivered to each subscriber only for the requests they follow (myIssueEvents). */
  perFollower?: boolean;
  fallbacks?: Record<string, { when: (event: TopicMap[K]) => boolean; entity: 'issue'; field: string }>;
}

const inList = <T>(list: T[] | null | undefined, v: T) => !list || list.includes(v);
const eq = <T>(want: T | null | undefined, v: T | null) => want == null || want === v;
const optional = (e: object, name: string) => ((e as Record<string, unknown>)[name] ?? null);

const issueEvents: FieldBinding<'issueEvents'> = {
  topic: 'issueEvents',
  typeName: 'IssueEvent',
  matches: (e: IssueEventMessage, a) =>
    eq(a.communityId, e.communityId) &&
    (!a.communityIds || a.communityIds.includes(e.communityId)) &&
    eq(a.subdistrict, e.subdistrict) &&
    eq(a.sessionId, e.sessionId) &&
    inList(a.categories, e.category) &&
    inList(a.kinds, e.kind),
  scalars: {
    cursor: (e) => e.cursor,
    kind: (e) => e.kind,
    at: (e) => e.at.toISOString(),
    // Not part of every publisher's payload yet; null when absent.
    actor: (e) => optional(e, 'actor'),
    note: (e) => optional(e, 'note'),
    fromStatus: (e) => optional(e, 'fromStatus'),
    toStatus: (e) => optional(e, 'toStatus'),
    // The supergraph's IssueEvent also has the log's routing fields (issues' "added:" fields).
    issueId: (e) => e.issueId,
    communityId: (e) => e.communityId,
    subdistrict: (e) => e.subdistrict,
    sessionId: (e) => e.sessionId,
    category: (e) => e.category,
    supportCount: (e) => e.supportCount,
  },
  entities: { issue: 'issue', plan: 'plan' },
};

const voteTallies: FieldBinding<'issueEvents'> = {
  topic: 'issueEvents',
  typeName: 'VoteTally',
  matches: (e: IssueEventMessage, a) =>
    VOTE_TALLY_KINDS.includes(e.kind) && eq(a.sessionId, e.sessionId) && eq(a.issueId, e.issueId) && eq(a.communityId, e.communityId),
  scalars: {
    cursor: (e) => e.cursor,
    supportCount: (e) => e.supportCount,
  },
  entities: { issue: 'issue', plan: 'plan' },
  fallbacks: { supportCount: { when: (e) => e.supportCount == null, entity: 'issue', field: 'supportCount' } },
};

const sessionEvents: FieldBinding<'sessionEvents'> = {
  topic: 'sessionEvents',
  typeName: 'SessionEvent',
  matches: (e: SessionEventMessage, a) => eq(a.communityId, e.communityId),
  scalars: {
    cursor: (e) => e.cursor,
    kind: (e) => e.kind,
    at: (e) => e.at.toISOString(),
    communityId: (e) => e.communityId,
    sessionId: (e) => e.sessionId,
    topicId: (e) => e.topicId,
  },
  entities: { session: 'session', topic: 'topic' },
};

/** A resident's followed requests: every event; who follows what is judged per subscriber (FollowIndex). */
const myIssueEvents: FieldBinding<'issueEvents'> = { ...issueEvents, matches: () => true, perFollower: true };

export const FIELD_BINDINGS: Record<string, FieldBinding<any>> = { issueEvents, voteTallies, sessionEvents, myIssueEvents };

/** The event's key for an entity, or null when the event has none (e.g. a session-less issue). */
export function entityKey(kind: EntityKind, e: Record<string, unknown>): string | null {
  switch (kind) {
    case 'issue':
      return (e.issueId as string) ?? null;
    case 'plan':
      return (e.planId as string) ?? null;
    case 'session':
      return (e.sessionId as string) ?? null;
    case 'topic':
      return (e.topicId as string) ?? null;
  }
}
