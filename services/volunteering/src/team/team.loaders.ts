import { batchByArgs, byIdLoader, emptyPage, groupLoader, partitionedKeysetPage, rowsByKeys } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { memberKeyset } from './team.service';
import { TeamAssignment } from './team-assignment.entity';
import { VolunteerTeam } from './team.entity';
import { Volunteer } from './volunteer.entity';

export interface PageArgs {
  first?: number | null;
  after?: string | null;
}

export function teamLoaders(ds: DataSource) {
  return {
    team: byIdLoader(rowsByKeys(ds, VolunteerTeam)),
    teamsByCommunity: groupLoader(
      rowsByKeys(ds, VolunteerTeam, {
        key: 'communityId',
        order: [
          ['createdAt', 'ASC'],
          ['id', 'ASC'],
        ],
      }),
      (t) => t.communityId,
    ),
    /** Team ids per issue; the teams themselves come through `team`, so two statements per batch. */
    assignmentsByIssue: groupLoader(
      rowsByKeys(ds, TeamAssignment, {
        key: 'issueId',
        order: [
          ['assignedAt', 'ASC'],
          ['teamId', 'ASC'],
        ],
      }),
      (a) => a.issueId,
    ),
    memberCount: byIdLoader(
      (ids) =>
        ds
          .getRepository(Volunteer)
          .createQueryBuilder('v')
          .select('v.team_id', 'teamId')
          .addSelect('COUNT(*)::int', 'n')
          .where('v.team_id IN (:...ids)', { ids })
          .groupBy('v.team_id')
          .getRawMany<{ teamId: string; n: number }>(),
      (r) => r.teamId,
    ),
    membersPage: batchByArgs(
      (teamIds: string[], args: PageArgs) => partitionedKeysetPage(ds.getRepository(Volunteer).createQueryBuilder('v'), 'v.team_id', (v) => v.teamId, teamIds, memberKeyset, args),
      () => emptyPage<Volunteer>(),
    ),
  };
}
