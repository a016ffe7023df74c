import { topicRowMapper } from '@plaza/shared';

/**
 * The issues relay's row mappers, built from the topic map's field declarations
 * (shared/src/pubsub/topics.ts): a new message field is declared there and read here from its
 * column of `issues.issue_event` (or `issues.follow_event`).
 */
export const issueEventPayload = topicRowMapper('issueEvents');
export const followEventPayload = topicRowMapper('followEvents');
