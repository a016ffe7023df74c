import { buildFederatedSchema } from '@plaza/shared';
import { AnalyticsResolver } from './analytics/analytics.resolver';
import { overviewReferences } from './overview/overview.reference';
import { CategoryCount, Overview } from './overview/overview.entity';
import { IssueEventResolver } from './issue-event/issue-event.resolver';
import { stubReferences } from './federation/refs.reference';
import { CommunityRefResolver, SessionRefResolver, TopicProposalRefResolver } from './federation/refs.resolver';
import { GridRef, SessionRef, TopicProposalRef } from './federation/refs.entity';
import { IssueResolver, LedgerEntryResolver } from './issue/issue.resolver';
import { LoopResolver } from './loop/loop.resolver';
import { VotesResolver } from './votes/votes.resolver';
import { FollowResolver } from './follow/follow.resolver';
import { LeagueResolver } from './league/league.resolver';
import { freshLoadersPerMutation } from './fresh-loaders';

export const resolvers = [
  IssueResolver,
  LedgerEntryResolver,
  LoopResolver,
  VotesResolver,
  IssueEventResolver,
  CommunityRefResolver,
  SessionRefResolver,
  TopicProposalRefResolver,
  AnalyticsResolver,
  LeagueResolver,
  FollowResolver,
] as const;

export async function buildIssuesSchema() {
  const built = await buildFederatedSchema({ resolvers, orphanedTypes: [GridRef, SessionRef, TopicProposalRef, Overview, CategoryCount] }, { ...stubReferences, ...overviewReferences });
  return { ...built, schema: freshLoadersPerMutation(built.schema) };
}
