import { topicRowMapper } from '@plaza/shared';

/**
 * The sessions relay's row mapper, built from the topic map's field declarations
 * (shared/src/pubsub/topics.ts): a new message field is declared there and read here from its
 * column of `sessions.session_event`.
 */
export const sessionEventPayload = topicRowMapper('sessionEvents');
