import { defaultFieldResolver, type GraphQLSchema } from 'graphql';
import type { IssuesContext } from './context';

/**
 * Gives every root mutation field fresh loaders before it runs, so what a mutation answers is read
 * after its change, never from a cache an earlier field of the same document filled (mutation
 * fields run one after another). Wired once here instead of remembered in each mutation.
 */
export function freshLoadersPerMutation(schema: GraphQLSchema): GraphQLSchema {
  for (const field of Object.values(schema.getMutationType()?.getFields() ?? {})) {
    const resolve = field.resolve ?? defaultFieldResolver;
    field.resolve = (source, args, ctx: IssuesContext, info) => {
      ctx.resetLoaders();
      return resolve(source, args, ctx, info);
    };
  }
  return schema;
}
