import { CalendarDateScalar } from '@plaza/shared';
import { Arg, Ctx, FieldResolver, ID, Int, Query, Resolver, Root } from 'type-graphql';
import type { SessionsContext } from '../context';
import { Overview, type OverviewFigures, type OverviewKey } from './overview.entity';

/**
 * `Query.overview` answers only the key; each figure is loaded on demand through the per-request
 * loader, so a gateway plan that needs no sessions figure costs no aggregate statement, and all
 * four figures cost one.
 */
@Resolver(() => Overview)
export class OverviewResolver {
  @Query(() => Overview, { description: "Analysts' overview; from defaults to the first day with any record, to to today (Asia/Shanghai)" })
  overview(
    @Arg('scope', () => ID, { nullable: true, defaultValue: 'city' }) scope: string | null,
    @Arg('from', () => CalendarDateScalar, { nullable: true }) from: string | null,
    @Arg('to', () => CalendarDateScalar, { nullable: true }) to: string | null,
    @Ctx() ctx: SessionsContext,
  ): Promise<OverviewKey> {
    return ctx.services.overview.resolveKey({ scope, from, to });
  }

  @FieldResolver(() => Int)
  sessionsHeld(@Root() o: OverviewKey, @Ctx() ctx: SessionsContext) {
    return figure(o, ctx, 'sessionsHeld');
  }

  @FieldResolver(() => Int)
  totalAttendance(@Root() o: OverviewKey, @Ctx() ctx: SessionsContext) {
    return figure(o, ctx, 'totalAttendance');
  }

  @FieldResolver(() => Int)
  householdsVisited(@Root() o: OverviewKey, @Ctx() ctx: SessionsContext) {
    return figure(o, ctx, 'householdsVisited');
  }

  @FieldResolver(() => Int)
  topicsProposed(@Root() o: OverviewKey, @Ctx() ctx: SessionsContext) {
    return figure(o, ctx, 'topicsProposed');
  }
}

async function figure(o: OverviewKey, ctx: SessionsContext, name: keyof OverviewFigures): Promise<number> {
  const loaded = await ctx.loaders.overview.load({ scope: o.scope, from: o.from, to: o.to });
  return loaded[name];
}
