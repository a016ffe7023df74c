import { connectionTypes, eventCursor } from '@plaza/shared';
import { Field, ID, ObjectType, registerEnumType } from 'type-graphql';
import { SESSION_EVENT_KINDS } from './session-event.writer';

/** The contract's SessionEventKind, from the writer's list so the two cannot drift. */
export const SessionEventKind = Object.fromEntries(SESSION_EVENT_KINDS.map((k) => [k, k])) as { [K in (typeof SESSION_EVENT_KINDS)[number]]: K };
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
  kind!: (typeof SESSION_EVENT_KINDS)[number];

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
