import { calendarDay, id, parseInput, queryParams, shanghaiDateTime, keysetBatches, type CsvExport } from '@plaza/shared';
import { In, type DataSource } from 'typeorm';
import { z } from 'zod';
import type { Activity } from '../activity/activity.entity';
import { activityKeyset, type ActivityService } from '../activity/activity.service';
import { VolunteerTeam } from '../team/team.entity';

/** Only what `Activity` shows publicly (the team by name, no leader or volunteers); times are Asia/Shanghai wall-clock. */
export const ACTIVITIES_CSV_HEADER = ['id', '活动', '队伍ID', '队伍', '社区ID', '街道', '时间', '受益人次', '志愿时长', '夜话场次ID', '诉求ID'] as const;

const filterSchema = z.object({
  communityId: id().optional(),
  from: calendarDay().optional(),
  to: calendarDay().optional(),
});

/** `GET /export/activities.csv?communityId=&from=&to=`: the rows of `Query.activities`, most recent first. */
export function activitiesExport(ds: DataSource, activities: ActivityService): CsvExport {
  return {
    filename: 'activities.csv',
    header: ACTIVITIES_CSV_HEADER,
    open(params) {
      // Unlike the GraphQL list (where a malformed id simply matches nothing), a malformed
      // communityId is refused here: an analyst should not download an empty file by mistake.
      const filter = parseInput(filterSchema, queryParams(params, ['communityId', 'from', 'to']), '');
      return rows(ds, keysetBatches(activities.filtered(filter), activityKeyset));
    },
  };
}

async function* rows(ds: DataSource, batches: AsyncIterable<Activity[]>) {
  for await (const batch of batches) {
    // One lookup per batch, whatever its size: the batch's team names.
    const teamIds = [...new Set(batch.map((a) => a.teamId))];
    const teams = await ds.getRepository(VolunteerTeam).find({ select: { id: true, name: true }, where: { id: In(teamIds) } });
    const teamName = new Map(teams.map((t) => [t.id, t.name]));
    yield batch.map((a) => [a.id, a.title, a.teamId, teamName.get(a.teamId), a.communityId, a.subdistrict, shanghaiDateTime(a.heldAt), a.beneficiaries, a.volunteerHours, a.sessionId, a.issueId]);
  }
}
