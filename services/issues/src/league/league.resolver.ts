import { CalendarDateScalar } from '@plaza/shared';
import { Arg, Ctx, ID, Int, Query, Resolver } from 'type-graphql';
import type { IssuesContext } from '../context';
import { LeagueConnection, LeagueOrder, LeagueUnitKind } from './league.types';

@Resolver()
export class LeagueResolver {
  @Query(() => LeagueConnection, { description: '考核激励: per claiming department / responsible unit in a scope and period; ANALYST, ADMIN, or STAFF for their own community' })
  departmentLeague(
    @Arg('scope', () => ID) scope: string,
    @Arg('from', () => CalendarDateScalar, { nullable: true }) from: string | null,
    @Arg('to', () => CalendarDateScalar, { nullable: true }) to: string | null,
    @Arg('kind', () => LeagueUnitKind, { nullable: true }) kind: LeagueUnitKind | null,
    @Arg('orderBy', () => LeagueOrder, { nullable: true, defaultValue: LeagueOrder.RESOLVED }) orderBy: LeagueOrder | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: IssuesContext,
  ) {
    return ctx.services.league.page(ctx.viewer, { scope, from, to, kind, orderBy }, { first, after });
  }
}
