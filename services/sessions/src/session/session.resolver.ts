import { CalendarDateScalar, connectionTypes, decodeCursor, pageSize } from '@plaza/shared';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Community } from '../community/community.entity';
import type { SessionsContext } from '../context';
import { TopicProposal } from '../topic/topic.entity';
import { Attendance } from './attendance.type';
import { Session } from './session.entity';
import { SessionStatus } from './session.enums';
import { AttendanceInput, ScheduleSessionInput } from './session.input';
import { sessionKeyset } from './session.loaders';

export const { Connection: SessionConnection } = connectionTypes('Session', Session);

@Resolver(() => Session)
export class SessionResolver {
  @Query(() => Session, { nullable: true })
  session(@Arg('id', () => ID) id: string, @Ctx() ctx: SessionsContext) {
    return ctx.loaders.session.load(id);
  }

  @Query(() => SessionConnection, { description: 'latest scheduled first; from/to are Asia/Shanghai days on scheduledAt, inclusive' })
  sessions(
    @Arg('communityId', () => ID, { nullable: true }) communityId: string | null,
    @Arg('status', () => SessionStatus, { nullable: true }) status: SessionStatus | null,
    @Arg('from', () => CalendarDateScalar, { nullable: true }) from: string | null,
    @Arg('to', () => CalendarDateScalar, { nullable: true }) to: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SessionsContext,
  ) {
    return ctx.services.session.list({ communityId, status, from, to, first, after });
  }

  @Query(() => [Session], { description: 'every LIVE session, earliest started first' })
  liveSessions(@Ctx() ctx: SessionsContext) {
    return ctx.services.session.live();
  }

  @Mutation(() => Session, { description: 'STAFF of the community' })
  scheduleSession(@Arg('input') input: ScheduleSessionInput, @Ctx() ctx: SessionsContext) {
    return ctx.services.session.schedule(ctx.viewer, input);
  }

  @Mutation(() => Session, { description: 'STAFF of the community; PLANNED -> LIVE' })
  startSession(@Arg('id', () => ID) id: string, @Ctx() ctx: SessionsContext) {
    return ctx.services.session.start(ctx.viewer, id);
  }

  @Mutation(() => Session, { description: 'STAFF of the community; on a LIVE or CLOSED session' })
  recordAttendance(@Arg('sessionId', () => ID) sessionId: string, @Arg('input') input: AttendanceInput, @Ctx() ctx: SessionsContext) {
    return ctx.services.session.recordAttendance(ctx.viewer, sessionId, input);
  }

  @Mutation(() => Session, { description: 'STAFF of the community; LIVE -> CLOSED' })
  closeSession(@Arg('id', () => ID) id: string, @Arg('minutes') minutes: string, @Ctx() ctx: SessionsContext) {
    return ctx.services.session.close(ctx.viewer, id, minutes);
  }

  @Mutation(() => Session, { description: 'STAFF of the community; PLANNED -> CANCELLED' })
  cancelSession(@Arg('id', () => ID) id: string, @Arg('reason') reason: string, @Ctx() ctx: SessionsContext) {
    return ctx.services.session.cancel(ctx.viewer, id, reason);
  }

  @FieldResolver(() => Community)
  community(@Root() session: Session, @Ctx() ctx: SessionsContext) {
    return ctx.loaders.community.load(session.communityId);
  }

  @FieldResolver(() => TopicProposal, { nullable: true })
  theme(@Root() session: Session, @Ctx() ctx: SessionsContext) {
    return session.themeId ? ctx.loaders.topic.load(session.themeId) : null;
  }

  @FieldResolver(() => Attendance)
  attendance(@Root() s: Session): Attendance {
    const { residents, partyMembers, cadres, deputies, cppccMembers } = s;
    return { residents, partyMembers, cadres, deputies, cppccMembers, total: residents + partyMembers + cadres + deputies + cppccMembers };
  }
}

@Resolver(() => Community)
export class CommunitySessionsResolver {
  @FieldResolver(() => SessionConnection, { description: 'latest scheduled first' })
  sessions(
    @Root() community: Community,
    @Arg('status', () => SessionStatus, { nullable: true }) status: SessionStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SessionsContext,
  ) {
    // Checked per field so one bad argument cannot fail the whole batch of other parents.
    pageSize(first);
    decodeCursor(after, sessionKeyset.casts);
    return ctx.loaders.sessionsByCommunity.load({ parentId: community.id, args: { status, first, after } });
  }
}
