import { Arg, Ctx, Directive, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import type { IssuesContext } from '../context';
import { Issue } from '../issue/issue.entity';
import { IssueConnection } from '../issue/issue.connection';
import { IssueFilter } from '../issue/issue.input';
import { CommunityRef, SessionRef, TopicProposalRef } from './refs.entity';

@Resolver(() => CommunityRef)
export class CommunityRefResolver {
  @FieldResolver(() => IssueConnection)
  issues(
    @Root() community: CommunityRef,
    @Arg('filter', () => IssueFilter, { nullable: true }) filter: IssueFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: IssuesContext,
  ) {
    return ctx.loaders.communityIssues.load({ parentId: community.id, args: { filter: filter ? { ...filter } : null, first, after } });
  }
}

@Resolver(() => SessionRef)
export class SessionRefResolver {
  @FieldResolver(() => IssueConnection)
  issues(
    @Root() session: SessionRef,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: IssuesContext,
  ) {
    return ctx.loaders.sessionIssues.load({ parentId: session.id, args: { first, after } });
  }
}

@Resolver(() => TopicProposalRef)
export class TopicProposalRefResolver {
  @Directive('@requires(fields: "category community { id }")')
  @FieldResolver(() => [Issue], { description: 'same community and category, still open' })
  relatedIssues(@Root() topic: TopicProposalRef, @Ctx() ctx: IssuesContext) {
    if (!topic.community?.id || !topic.category) return [];
    return ctx.loaders.relatedIssues.load({ communityId: topic.community.id, category: topic.category });
  }
}
