import { Ctx, Directive, Query, Resolver } from 'type-graphql';
import type { SessionsContext } from '../context';
import { ViewerType } from './viewer.type';

@Resolver()
export class ViewerResolver {
  @Directive('@shareable')
  @Query(() => ViewerType)
  me(@Ctx() ctx: SessionsContext): ViewerType {
    return { id: ctx.viewer.id, roles: ctx.viewer.roles, communityIds: ctx.viewer.communityIds };
  }
}
