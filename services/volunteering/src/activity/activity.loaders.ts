import { batchByArgs, byIdLoader, emptyPage, groupLoader, partitionedKeysetPage, rowsByKeys } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { PageArgs } from '../team/team.loaders';
import { Activity } from './activity.entity';
import { activityKeyset } from './activity.service';

export function activityLoaders(ds: DataSource) {
  return {
    activity: byIdLoader(rowsByKeys(ds, Activity)),
    activitiesBySession: groupLoader(
      rowsByKeys(ds, Activity, {
        key: 'sessionId',
        order: [
          ['heldAt', 'DESC'],
          ['id', 'DESC'],
        ],
      }),
      (a) => a.sessionId!,
    ),
    activitiesByTeam: batchByArgs(
      (teamIds: string[], args: PageArgs) => partitionedKeysetPage(ds.getRepository(Activity).createQueryBuilder('a'), 'a.team_id', (a) => a.teamId, teamIds, activityKeyset, args),
      () => emptyPage<Activity>(),
    ),
  };
}
