import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type BuildSchemaOptions } from 'type-graphql';
import { CalendarDateScalar, DateTimeScalar } from './scalars';

export const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible"])';

type ReferenceResolvers = Record<string, { __resolveReference: (ref: any, ctx: any, info: any) => unknown }>;

export interface FederatedSchema {
  schema: GraphQLSchema;
  /** The subgraph SDL as composed by the gateway (committed as schema.graphql). */
  sdl: string;
}

/**
 * type-graphql emits plain types; @apollo/subgraph turns them into a subgraph with `_entities`
 * and `_service`. The reference resolvers are merged into type-graphql's resolver map.
 */
export async function buildFederatedSchema(
  options: Omit<BuildSchemaOptions, 'skipCheck'>,
  referenceResolvers: ReferenceResolvers = {},
): Promise<FederatedSchema> {
  const plain = await buildSchema({
    validate: false,
    scalarsMap: [{ type: Date, scalar: DateTimeScalar }],
    ...options,
    skipCheck: true,
  });
  const printed = printSchemaWithDirectives(plain);
  const sdl = `${FEDERATION_LINK}\n\n${printed}\n`;
  const resolvers = createResolversMap(plain) as Record<string, any>;
  for (const [type, ref] of Object.entries(referenceResolvers)) {
    resolvers[type] = { ...(resolvers[type] ?? {}), ...ref };
  }
  resolvers.DateTime = DateTimeScalar;
  resolvers.Date = CalendarDateScalar;
  const schema = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers });
  return { schema, sdl };
}
