import { buildFederatedSchema } from '@plaza/shared';
import { activityReferences } from './activity/activity.reference';
import { ActivityResolver, SessionActivitiesResolver } from './activity/activity.resolver';
import { CadreResolver, CommunityCadresResolver } from './cadre/cadre.resolver';
import { foreignReferences } from './foreign/foreign.reference';
import { teamReferences } from './team/team.reference';
import { CommunityTeamsResolver, IssueTeamsResolver, TeamResolver, VolunteerResolver } from './team/team.resolver';

export const resolvers = [
  TeamResolver,
  VolunteerResolver,
  CommunityTeamsResolver,
  IssueTeamsResolver,
  ActivityResolver,
  SessionActivitiesResolver,
  CadreResolver,
  CommunityCadresResolver,
] as const;

export function buildVolunteeringSchema() {
  return buildFederatedSchema({ resolvers }, { ...foreignReferences, ...teamReferences, ...activityReferences });
}
