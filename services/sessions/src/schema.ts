import { buildFederatedSchema } from '@plaza/shared';
import { communityReferences } from './community/community.reference';
import { CommunityResolver, GridResolver } from './community/community.resolver';
import { overviewReferences } from './overview/overview.reference';
import { OverviewResolver } from './overview/overview.resolver';
import { SessionEventResolver } from './session-event/session-event.resolver';
import { sessionReferences } from './session/session.reference';
import { CommunitySessionsResolver, SessionResolver } from './session/session.resolver';
import { topicReferences } from './topic/topic.reference';
import { CommunityTopicsResolver, TopicResolver } from './topic/topic.resolver';
import { ViewerResolver } from './viewer/viewer.resolver';
import { CommunityVisitsResolver, VisitResolver } from './visit/visit.resolver';

export const resolvers = [
  CommunityResolver,
  GridResolver,
  CommunitySessionsResolver,
  CommunityTopicsResolver,
  CommunityVisitsResolver,
  VisitResolver,
  TopicResolver,
  SessionResolver,
  ViewerResolver,
  OverviewResolver,
  SessionEventResolver,
] as const;

export function buildSessionsSchema() {
  return buildFederatedSchema({ resolvers }, { ...communityReferences, ...topicReferences, ...sessionReferences, ...overviewReferences });
}
