import { graphqlFields, TOPIC_CONTRACTS, VOTE_TALLY_KINDS, type GraphqlField, type IssueEventMessage, type SessionEventMessage, type TopicMap, type TopicName } from '@plaza/shared';

/**
 * How each root field of the contract's `Subscription` maps onto a topic: its arguments and which
 * events match them (checked before any hydration), which of the payload type's fields the event
 * carries itself, and which are entities resolved through the supergraph by key. The event
 * types' fields are not listed here: they come from the topic map's declarations (shared
 * topics.ts), as does the Subscription SDL (subscription.wiring.ts) printed from these bindings.
 */

/** An entity field of an event type and the supergraph query that resolves it from the key. */
export type EntityKind = 'issue' | 'plan' | 'session' | 'topic';
const ENTITY_KINDS: readonly string[] = ['issue', 'plan', 'session', 'topic'] satisfies EntityKind[];

export interface FieldBinding<K extends TopicName = TopicName> {
  topic: K;
  /** The event object type, e.g. IssueEvent. */
  typeName: string;
  /** The root field's arguments as SDL, `after: String` (every field's resume cursor) excluded. */
  args: string;
  /** The event type's GraphQL fields (its SDL when the supergraph lacks the type). */
  fields: GraphqlField[];
  matches: (event: TopicMap[K], args: Record<string, any>) => boolean;
  /** Field name -> value taken from the event, for the fields an event carries. */
  scalars: Record<string, (event: TopicMap[K]) => unknown>;
  /** Field name -> entity resolved through the supergraph. */
  entities: Record<string, EntityKind>;
  /** Delivered to each subscriber only for the requests they follow (myIssueEvents). */
  perFollower?: boolean;
  /** Field that falls back to the supergraph when the event lacks it (VoteTally.supportCount). */
  fallbacks?: Record<string, { when: (event: TopicMap[K]) => boolean; entity: 'issue'; field: string }>;
}

// Dates go out as the DateTime scalar serialises them; a field a publisher left out is null.
const read = (name: string) => (e: object) => {
  const v = (e as Record<string, unknown>)[name];
  return v instanceof Date ? v.toISOString() : (v ?? null);
};

/**
 * A binding over a topic's declared fields: all of them (the topic's own type), or `pick`ed ones
 * under another type name (VoteTally), with `types` overriding a field's GraphQL type there.
 */
function bind<K extends TopicName>(topic: K, o: Pick<FieldBinding<K>, 'args' | 'matches' | 'fallbacks'> & { typeName?: string; pick?: string[]; types?: Record<string, string> }): FieldBinding<K> {
  const contract = TOPIC_CONTRACTS[topic];
  const typeName = o.typeName ?? contract.typeName;
  if (!typeName) throw new Error(`topic ${topic} has no GraphQL type`);
  const all = graphqlFields(contract.fields);
  const fields = (o.pick ? o.pick.map((name) => all.find((f) => f.name === name) ?? fail(`${topic} has no field ${name}`)) : all).map((f) => ({ ...f, type: o.types?.[f.name] ?? f.type }));
  const scalars: FieldBinding<K>['scalars'] = {};
  const entities: FieldBinding<K>['entities'] = {};
  for (const f of fields) {
    if (f.kind === 'scalar') scalars[f.name] = read(f.name);
    else if (ENTITY_KINDS.includes(f.name)) entities[f.name] = f.name as EntityKind;
    else fail(`${typeName}.${f.name}: no supergraph query resolves it (subscription.plan.ts ROOT_QUERY)`);
  }
  return { topic, typeName, args: o.args, fields, matches: o.matches, scalars, entities, ...(o.fallbacks ? { fallbacks: o.fallbacks } : {}) };
}

const fail = (why: string): never => {
  throw new Error(why);
};

const inList = <T>(list: T[] | null | undefined, v: T) => !list || list.includes(v);
const eq = <T>(want: T | null | undefined, v: T | null) => want == null || want === v;

const issueEvents = bind('issueEvents', {
  args: 'communityId: ID, communityIds: [ID!], subdistrict: String, sessionId: ID, categories: [IssueCategory!], kinds: [IssueEventKind!]',
  matches: (e: IssueEventMessage, a) =>
    eq(a.communityId, e.communityId) &&
    (!a.communityIds || a.communityIds.includes(e.communityId)) &&
    eq(a.subdistrict, e.subdistrict) &&
    eq(a.sessionId, e.sessionId) &&
    inList(a.categories, e.category) &&
    inList(a.kinds, e.kind),
});

const voteTallies = bind('issueEvents', {
  typeName: 'VoteTally',
  pick: ['cursor', 'issue', 'supportCount', 'plan'],
  // Never null to a client: an event without it falls back to the request's own count.
  types: { supportCount: 'Int!' },
  args: 'sessionId: ID, issueId: ID, communityId: ID',
  matches: (e: IssueEventMessage, a) => VOTE_TALLY_KINDS.includes(e.kind) && eq(a.sessionId, e.sessionId) && eq(a.issueId, e.issueId) && eq(a.communityId, e.communityId),
  fallbacks: { supportCount: { when: (e) => e.supportCount == null, entity: 'issue', field: 'supportCount' } },
});

const sessionEvents = bind('sessionEvents', {
  args: 'communityId: ID',
  matches: (e: SessionEventMessage, a) => eq(a.communityId, e.communityId),
});

/** A resident's followed requests: every event; who follows what is judged per subscriber (FollowIndex). */
const myIssueEvents: FieldBinding<'issueEvents'> = { ...issueEvents, args: '', matches: () => true, perFollower: true };

/** The contract's Subscription fields, in its order. */
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
