import { createDataSource, DEFAULT_DATABASE_URL, type StatementCounter } from '@plaza/shared';
import { IssueEvent } from './issue-event/issue-event.entity';
import { Evaluation, Feedback, Outcome } from './issue/feedback.entity';
import { Issue } from './issue/issue.entity';
import { LedgerEntry } from './issue/ledger-entry.entity';
import { Init1764140000000 } from './migrations/1764140000000-init';
import { RelayOffset1764160000000 } from './migrations/1764160000000-relay-offset';
import { PlanVoteWindow1764180000000 } from './migrations/1764180000000-plan-vote-window';
import { Follow1764200000000 } from './migrations/1764200000000-follow';
import { FollowEvent1764220000000 } from './migrations/1764220000000-follow-event';
import { EventTraceparent1764240000000 } from './migrations/1764240000000-event-traceparent';
import { Plan } from './votes/plan.entity';

/** The Postgres schema this service owns; no other service reads it. */
export const SCHEMA = 'issues';

export const entities = [Issue, LedgerEntry, Feedback, Evaluation, Outcome, Plan, IssueEvent];
export const migrations = [Init1764140000000, RelayOffset1764160000000, PlanVoteWindow1764180000000, Follow1764200000000, FollowEvent1764220000000, EventTraceparent1764240000000];

export function createIssuesDataSource(url = DEFAULT_DATABASE_URL, counter?: StatementCounter) {
  return createDataSource({ url, schema: SCHEMA, entities, migrations, counter });
}
