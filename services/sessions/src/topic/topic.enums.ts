import { registerEnumType } from 'type-graphql';

export enum TopicSource {
  DOOR_TO_DOOR_VISIT = 'DOOR_TO_DOOR_VISIT',
  RESIDENT_SUGGESTION = 'RESIDENT_SUGGESTION',
  SESSION_FOLLOW_UP = 'SESSION_FOLLOW_UP',
  COMMITTEE = 'COMMITTEE',
}
registerEnumType(TopicSource, { name: 'TopicSource' });

export enum TopicStatus {
  PROPOSED = 'PROPOSED',
  SELECTED = 'SELECTED',
  DEFERRED = 'DEFERRED',
  DECLINED = 'DECLINED',
}
registerEnumType(TopicStatus, { name: 'TopicStatus' });

/** decideTopic: only an open proposal (PROPOSED, or DEFERRED to a later month) can be decided. */
export const DECIDABLE: ReadonlySet<TopicStatus> = new Set([TopicStatus.PROPOSED, TopicStatus.DEFERRED]);
export const DECISIONS: ReadonlySet<TopicStatus> = new Set([TopicStatus.SELECTED, TopicStatus.DEFERRED, TopicStatus.DECLINED]);
