import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type BuildSchemaOptions } from 'type-graphql';
import { CalendarDateScalar, DateTimeScalar } from './scalars';

export const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible"])';

type SubgraphResolvers = NonNullable<Extract<Parameters<typeof buildSubgraphSchema>[0], { resolvers?: unknown }>['resolvers']>;
type ReferenceResolvers = Record<string, { __resolveReference: (ref: never, ctx: never, info: never) => unknown }>;

export interface FederatedSchema {
  schema: GraphQLSchema;
  /** The subgraph SDL as composed by the gateway (committed as schema.graphql). */
  sdl: string;
}

/**
 * type-graphql emits plain types; @apollo/subgraph turns them into a subgraph with `_entities`
 * and `_service`. The reference resolvers are merged into type-graphql's resolver map.
 */
export async function buildFederatedSchema(options: Omit<BuildSchemaOptions, 'skipCheck'>, referenceResolvers: ReferenceResolvers = {}): Promise<FederatedSchema> {
  const plain = await buildSchema({
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    ...options,
    skipCheck: true,
  });
  const printed = printSchemaWithDirectives(plain);
  const sdl = `${FEDERATION_LINK}\n\n${printed}\n`;
  const resolvers: Record<string, object> = { ...createResolversMap(plain) };
  for (const [type, ref] of Object.entries(referenceResolvers)) {
    resolvers[type] = { ...(resolvers[type] ?? {}), ...ref };
  }
  resolvers.DateTime = DateTimeScalar;
  resolvers.Date = CalendarDateScalar;
  // @apollo/subgraph does not export its resolver-map type; this is the shape it takes.
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolvers as SubgraphResolvers });
  return { schema, sdl };
}
