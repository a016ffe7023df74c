import { createDataSource, DEFAULT_DATABASE_URL, type StatementCounter } from '@plaza/shared';
import { Activity } from './activity/activity.entity';
import { CadreCheckIn } from './cadre/cadre-check-in.entity';
import { Init1764140000000 } from './migrations/1764140000000-init';
import { TeamAssignment } from './team/team-assignment.entity';
import { VolunteerTeam } from './team/team.entity';
import { Volunteer } from './team/volunteer.entity';

/** The Postgres schema this service owns; no other service reads it. */
export const SCHEMA = 'volunteering';

export const entities = [VolunteerTeam, Volunteer, TeamAssignment, Activity, CadreCheckIn];
export const migrations = [Init1764140000000];

export function createVolunteeringDataSource(url = DEFAULT_DATABASE_URL, counter?: StatementCounter) {
  return createDataSource({ url, schema: SCHEMA, entities, migrations, counter });
}
