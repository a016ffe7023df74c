import { batchByArgs, byIdLoader, emptyPage, groupLoader, partitionedKeysetPage } from '@plaza/shared';
import { In, type DataSource } from 'typeorm';
import type { PageArgs } from '../team/team.loaders';
import { Activity } from './activity.entity';
import { activityKeyset } from './activity.service';

export function activityLoaders(ds: DataSource) {
  return {
    activity: byIdLoader((ids) => ds.getRepository(Activity).findBy({ id: In(ids) })),
    activitiesBySession: groupLoader(
      (ids) => ds.getRepository(Activity).find({ where: { sessionId: In(ids) }, order: { heldAt: 'DESC', id: 'DESC' } }),
      (a) => a.sessionId!,
    ),
    activitiesByTeam: batchByArgs(
      (teamIds: string[], args: PageArgs) =>
        partitionedKeysetPage(ds.getRepository(Activity).createQueryBuilder('a'), 'a.team_id', (a) => a.teamId, teamIds, activityKeyset, args),
      () => emptyPage<Activity>(),
    ),
  };
}
