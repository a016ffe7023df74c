import { createDataSource, DEFAULT_DATABASE_URL, type StatementCounter } from '@plaza/shared';
import { Community } from './community/community.entity';
import { Grid } from './community/grid.entity';
import { Init1764130000000 } from './migrations/1764130000000-init';
import { RelayOffset1764160000000 } from './migrations/1764160000000-relay-offset';
import { EventTraceparent1764220000000 } from './migrations/1764220000000-event-traceparent';
import { Session } from './session/session.entity';
import { TopicProposal } from './topic/topic.entity';
import { Visit } from './visit/visit.entity';

/** The Postgres schema this service owns; no other service reads it. */
export const SCHEMA = 'sessions';

export const entities = [Community, Grid, Visit, TopicProposal, Session];
export const migrations = [Init1764130000000, RelayOffset1764160000000, EventTraceparent1764220000000];

export function createSessionsDataSource(url = DEFAULT_DATABASE_URL, counter?: StatementCounter) {
  return createDataSource({ url, schema: SCHEMA, entities, migrations, counter });
}
