import { connectionTypes, pageSize, decodeCursor } from '@plaza/shared';
import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import { Community } from '../community/community.entity';
import { Grid } from '../community/grid.entity';
import type { SessionsContext } from '../context';
import { Visit } from './visit.entity';
import { RecordVisitInput } from './visit.input';
import { visitKeyset } from './visit.loaders';

export const { Connection: VisitConnection } = connectionTypes('Visit', Visit);

@Resolver(() => Visit)
export class VisitResolver {
  @Mutation(() => Visit, { description: 'STAFF of the community' })
  recordVisit(@Arg('input') input: RecordVisitInput, @Ctx() ctx: SessionsContext) {
    return ctx.services.visit.record(ctx.viewer, input);
  }

  @FieldResolver(() => Community)
  community(@Root() visit: Visit, @Ctx() ctx: SessionsContext) {
    return ctx.loaders.community.load(visit.communityId);
  }

  @FieldResolver(() => Grid, { nullable: true })
  grid(@Root() visit: Visit, @Ctx() ctx: SessionsContext) {
    return visit.gridId ? ctx.loaders.grid.load(visit.gridId) : null;
  }
}

@Resolver(() => Community)
export class CommunityVisitsResolver {
  @FieldResolver(() => VisitConnection, { description: 'newest first' })
  visits(
    @Root() community: Community,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SessionsContext,
  ) {
    // Checked here so a bad argument fails the field even for a community with no visits.
    pageSize(first);
    decodeCursor(after, visitKeyset.casts);
    return ctx.loaders.visitsByCommunity.load({ parentId: community.id, args: { first, after } });
  }
}
