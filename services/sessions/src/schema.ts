import { buildFederatedSchema } from '@plaza/shared';
import { communityReferences } from './community/community.reference';
import { CommunityResolver, GridResolver } from './community/community.resolver';
import { ViewerResolver } from './viewer/viewer.resolver';

export const resolvers = [CommunityResolver, GridResolver, ViewerResolver] as const;

export function buildSessionsSchema() {
  return buildFederatedSchema({ resolvers }, { ...communityReferences });
}
