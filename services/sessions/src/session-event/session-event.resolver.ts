import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { SessionsContext } from '../context';
import { Session } from '../session/session.entity';
import { TopicProposal } from '../topic/topic.entity';
import { SessionEvent, SessionEventConnection } from './session-event.type';

@Resolver(() => SessionEvent)
export class SessionEventResolver {
  @Query(() => SessionEventConnection, { description: 'added: every session event after a cursor, in commit order, for replay' })
  sessionEventLog(
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number | null,
    @Ctx() ctx: SessionsContext,
  ) {
    return ctx.services.events.log({ first, after });
  }

  @FieldResolver(() => Session, { nullable: true })
  session(@Root() e: SessionEvent, @Ctx() ctx: SessionsContext) {
    return e.sessionId ? ctx.loaders.session.load(e.sessionId) : null;
  }

  @FieldResolver(() => TopicProposal, { nullable: true })
  topic(@Root() e: SessionEvent, @Ctx() ctx: SessionsContext) {
    return e.topicId ? ctx.loaders.topic.load(e.topicId) : null;
  }
}
