import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  buildASTSchema,
  buildSchema,
  execute,
  GraphQLEnumType,
  GraphQLObjectType,
  isLeafType,
  getNamedType,
  Kind,
  lexicographicSortSchema,
  parse,
  printSchema,
  validate,
  type DocumentNode,
} from 'graphql';
import { ANONYMOUS, columnOf, ISSUE_EVENT_KINDS, namedType, SESSION_EVENT_KINDS, TOPIC_CONTRACTS, topicRowMapper, type TopicName } from '@plaza/shared';
import { sampleEventRow } from '@plaza/shared/testing';
import { FIELD_BINDINGS } from '../subscription.fields';
import { gatewayReplay, subscriptionSchema } from '../subscription.wiring';

// One event contract per topic (issue 17): the topic map's declarations (shared topics.ts) against
// the client API checked in at the root (schema.graphql, printed by `npm run compose`). A field
// declared there and missing from the subgraph's type, or the other way round, fails here.
const API_FILE = join(__dirname, '../../../../schema.graphql');
const apiText = readFileSync(API_FILE, 'utf8');
const api = buildSchema(apiText);
const fieldsOf = (type: unknown) => Object.fromEntries(Object.values((type as GraphQLObjectType).getFields()).map((f) => [f.name, String(f.type)]));

describe('the event contract', () => {
  it.each(Object.entries(FIELD_BINDINGS))('Subscription.%s returns a type with exactly the declared fields', (_name, b) => {
    expect(fieldsOf(api.getType(b.typeName))).toEqual(Object.fromEntries(b.fields.map((f) => [f.name, f.type])));
  });

  it('the kind enums are the shared kind lists', () => {
    expect(
      (api.getType('IssueEventKind') as GraphQLEnumType)
        .getValues()
        .map((v) => v.name)
        .sort(),
    ).toEqual([...ISSUE_EVENT_KINDS].sort());
    expect(
      (api.getType('SessionEventKind') as GraphQLEnumType)
        .getValues()
        .map((v) => v.name)
        .sort(),
    ).toEqual([...SESSION_EVENT_KINDS].sort());
  });

  it('prints the checked-in client API from the schema without its Subscription', () => {
    const doc = parse(apiText);
    const http = buildASTSchema({ ...doc, definitions: doc.definitions.filter((d) => !(d.kind === Kind.OBJECT_TYPE_DEFINITION && d.name.value === 'Subscription')) });
    expect(http.getSubscriptionType()).toBeUndefined();
    expect(apiText.endsWith(`${printSchema(lexicographicSortSchema(subscriptionSchema(http)))}\n`)).toBe(true);
  });

  it('declares the event types and kinds a supergraph lacks from the topic map', () => {
    const bare = buildSchema(`scalar DateTime
      enum IssueCategory { PUBLIC_FACILITIES }  enum IssueStatus { SUBMITTED }
      type Issue { id: ID! }  type Plan { id: ID! }  type Session { id: ID! }  type TopicProposal { id: ID! }
      type Query { ping: Int }`);
    const full = subscriptionSchema(bare);
    for (const b of Object.values(FIELD_BINDINGS)) expect(fieldsOf(full.getType(b.typeName))).toEqual(fieldsOf(api.getType(b.typeName)));
    expect(String(full.getSubscriptionType()!.getFields().issueEvents!.type)).toBe('IssueEvent!');
    expect((full.getType('IssueEventKind') as GraphQLEnumType).getValues().map((v) => v.name)).toEqual([...ISSUE_EVENT_KINDS]);
  });

  const logged = (Object.keys(TOPIC_CONTRACTS) as TopicName[]).filter((t) => TOPIC_CONTRACTS[t].log);
  it.each(logged)('replays %s from its log through the client API into the message the relay publishes', async (topic) => {
    const row = sampleEventRow(topic, 41);
    // A stored enum value the API's enum has (the sample row's strings are not IssueStatus values).
    for (const [name, f] of Object.entries(TOPIC_CONTRACTS[topic].fields)) {
      const type = api.getType(namedType(f.graphql));
      if (type instanceof GraphQLEnumType && columnOf(name, f)) row[columnOf(name, f)!] = type.getValues().at(-1)!.value;
    }
    const message = topicRowMapper(topic)(row);
    // The log's node as the supergraph holds it: leaf fields from the message, an entity by its key (issue <- issueId).
    const typeName = TOPIC_CONTRACTS[topic].typeName!;
    const node: Record<string, unknown> = {};
    for (const f of Object.values((api.getType(typeName) as GraphQLObjectType).getFields())) {
      const v = (message as Record<string, unknown>)[isLeafType(getNamedType(f.type)) ? f.name : `${f.name}Id`];
      node[f.name] = isLeafType(getNamedType(f.type)) ? (v instanceof Date ? v.toISOString() : v) : v == null ? null : { id: v };
    }
    const documents: DocumentNode[] = [];
    const replay = gatewayReplay(async (document, variables, viewer) => {
      expect(viewer).toBe(ANONYMOUS);
      expect(validate(api, document)).toEqual([]);
      documents.push(document);
      const page = { edges: [{ node }], pageInfo: { hasNextPage: false } };
      return execute({ schema: api, document, variableValues: variables, rootValue: { [TOPIC_CONTRACTS[topic].log!]: page } }) as never;
    });
    expect(await replay(topic, 'start', 10)).toEqual([message]);
    expect(documents).toHaveLength(1);
  });
});
