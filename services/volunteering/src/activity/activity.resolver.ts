import { CalendarDateScalar } from '@plaza/shared';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { VolunteeringContext } from '../context';
import { CommunityRef, IssueRef, optionalRef, ref, SessionRef } from '../federation/refs.entity';
import { VolunteerTeam } from '../team/team.entity';
import { ActivityConnection } from './activity.connection';
import { Activity } from './activity.entity';
import { RecordActivityInput } from './activity.input';

@Resolver(() => Activity)
export class ActivityResolver {
  @Query(() => ActivityConnection, { description: 'from/to: Asia/Shanghai days on heldAt, inclusive' })
  activities(
    @Arg('communityId', () => ID, { nullable: true }) communityId: string | null,
    @Arg('from', () => CalendarDateScalar, { nullable: true }) from: string | null,
    @Arg('to', () => CalendarDateScalar, { nullable: true }) to: string | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: VolunteeringContext,
  ) {
    return ctx.services.activity.list({ communityId, from, to }, { first, after });
  }

  @Mutation(() => Activity, { description: "STAFF of the team's community" })
  recordActivity(@Arg('input') input: RecordActivityInput, @Ctx() ctx: VolunteeringContext) {
    return ctx.services.activity.record(ctx.viewer, input);
  }

  @FieldResolver(() => VolunteerTeam)
  team(@Root() activity: Activity, @Ctx() ctx: VolunteeringContext) {
    return ctx.loaders.team.load(activity.teamId);
  }

  @FieldResolver(() => CommunityRef)
  community(@Root() activity: Activity) {
    return ref(activity.communityId);
  }

  @FieldResolver(() => SessionRef, { nullable: true, description: 'held alongside a night-talk session' })
  session(@Root() activity: Activity) {
    return optionalRef(activity.sessionId);
  }

  @FieldResolver(() => IssueRef, { nullable: true, description: 'helped with an issue' })
  issue(@Root() activity: Activity) {
    return optionalRef(activity.issueId);
  }
}

@Resolver(() => SessionRef)
export class SessionActivitiesResolver {
  @FieldResolver(() => [Activity])
  activities(@Root() session: SessionRef, @Ctx() ctx: VolunteeringContext) {
    return ctx.loaders.activitiesBySession.load(session.id);
  }
}
