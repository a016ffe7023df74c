import { connectionTypes, eventCursor, SessionEventKind } from '@plaza/shared';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';

// The kinds are the topic map's (shared), so the log, the bus and the contract name the same ones.
registerEnumType(SessionEventKind, { name: 'SessionEventKind' });

/**
 * One row of `sessions.session_event`, read for replay (the gateway resumes `sessionEvents`
 * subscriptions from it). Not a TypeORM entity: the log is read with plain SQL by seq.
 */
@ObjectType()
export class SessionEvent {
  /** bigserial; pg hands bigint over as a string. */
  seq!: string;

  @Field({ description: 'totally ordered; pass it as `after` to resume without gaps' })
  get cursor(): string {
    return eventCursor(Number(this.seq));
  }

  @Field(() => SessionEventKind)
  kind!: SessionEventKind;

  @Field()
  at!: Date;

  @Field(() => ID, { description: 'added: routing attribute, for filtering without resolving the session' })
  communityId!: string;

  @Field(() => ID, { nullable: true, description: 'added: the session of the event, by key' })
  sessionId!: string | null;

  @Field(() => ID, { nullable: true, description: 'added: the topic of the event, by key' })
  topicId!: string | null;
}

export const { Connection: SessionEventConnection } = connectionTypes('SessionEvent', SessionEvent, { totalCount: false });
