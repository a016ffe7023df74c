import { buildFederatedSchema } from '@plaza/shared';
import { activityReferences } from './activity/activity.reference';
import { ActivityResolver, SessionActivitiesResolver } from './activity/activity.resolver';
import { CadreResolver, CommunityCadresResolver } from './cadre/cadre.resolver';
import { foreignReferences } from './federation/refs.reference';
import { Overview } from './overview/overview.entity';
import { overviewReferences } from './overview/overview.reference';
import { teamReferences } from './team/team.reference';
import { CommunityTeamsResolver, IssueTeamsResolver, TeamResolver, VolunteerResolver } from './team/team.resolver';

export const resolvers = [TeamResolver, VolunteerResolver, CommunityTeamsResolver, IssueTeamsResolver, ActivityResolver, SessionActivitiesResolver, CadreResolver, CommunityCadresResolver] as const;

export function buildVolunteeringSchema() {
  // Overview is reached only through `_entities` (the sessions subgraph owns Query.overview), so no
  // resolver mentions it and type-graphql must be told to emit it.
  return buildFederatedSchema({ resolvers, orphanedTypes: [Overview] }, { ...foreignReferences, ...teamReferences, ...activityReferences, ...overviewReferences });
}
