import { CalendarDateScalar, IssueCategory } from '@plaza/shared';
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { IssuesContext } from '../context';
import { Issue } from '../issue/issue.entity';
import { Bucket, CommonIssue, TrendPoint } from './analytics.types';

@Resolver(() => CommonIssue)
export class AnalyticsResolver {
  @Query(() => [TrendPoint])
  issueTrend(
    @Arg('bucket', () => Bucket) bucket: Bucket,
    @Arg('from', () => CalendarDateScalar) from: string,
    @Arg('to', () => CalendarDateScalar) to: string,
    @Arg('communityId', () => ID, { nullable: true }) communityId: string | null,
    @Arg('category', () => IssueCategory, { nullable: true }) category: IssueCategory | null,
    @Ctx() ctx: IssuesContext,
  ) {
    return ctx.services.analytics.trend({ bucket, from, to, communityId, category });
  }

  @Query(() => [CommonIssue], { description: '定期分析机制: categories that recur across many communities in a period' })
  commonIssues(
    @Arg('from', () => CalendarDateScalar) from: string,
    @Arg('to', () => CalendarDateScalar) to: string,
    @Arg('minCommunities', () => Int, { nullable: true, defaultValue: 3 }) minCommunities: number | null,
    @Ctx() ctx: IssuesContext,
  ) {
    return ctx.services.analytics.commonIssues({ from, to, minCommunities });
  }

  @FieldResolver(() => [Issue])
  async sample(@Root() common: CommonIssue, @Ctx() ctx: IssuesContext): Promise<Issue[]> {
    const found = await ctx.loaders.issue.loadMany(common.sampleIds);
    return found.filter((i): i is Issue => i != null && !(i instanceof Error));
  }
}
