import { Arg, Ctx, Directive, Field, FieldResolver, ID, Int, Mutation, ObjectType, Query, Resolver, Root } from 'type-graphql';
import type { IssuesContext } from '../context';
import { IssueConnection } from '../issue/issue.connection';
import { Issue } from '../issue/issue.entity';

/**
 * The sessions subgraph's Viewer, shared: both subgraphs read the caller from the same signed
 * identity, so `me` is resolvable here too and `me { following }` needs no entity key (an
 * anonymous viewer has no id to key on).
 */
@Directive('@shareable')
@ObjectType('Viewer')
export class SharedViewer {
  @Field(() => ID, { nullable: true })
  id!: string | null;

  @Field(() => [String])
  roles!: string[];

  @Field(() => [ID])
  communityIds!: string[];
}

@Resolver(() => SharedViewer)
export class FollowResolver {
  @Directive('@shareable')
  @Query(() => SharedViewer)
  me(@Ctx() ctx: IssuesContext): SharedViewer {
    return { id: ctx.viewer.id, roles: ctx.viewer.roles, communityIds: ctx.viewer.communityIds };
  }

  @FieldResolver(() => IssueConnection, { description: 'the requests the viewer follows (raised, supported or followed), newest raised first' })
  following(
    @Root() _me: SharedViewer,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: IssuesContext,
  ) {
    return ctx.services.follow.following(ctx.viewer, { first, after });
  }

  @Mutation(() => Issue, { description: 'RESIDENT; idempotent. Raising or supporting a request follows it too' })
  followIssue(@Arg('issueId', () => ID) issueId: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.follow.follow(ctx.viewer, issueId);
  }

  @Mutation(() => Issue, { description: 'RESIDENT; idempotent' })
  unfollowIssue(@Arg('issueId', () => ID) issueId: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.follow.unfollow(ctx.viewer, issueId);
  }
}
