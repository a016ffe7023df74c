import { requireRole } from '@plaza/shared';
import { Arg, Ctx, FieldResolver, ID, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { SessionsContext } from '../context';
import { Community } from './community.entity';
import { CreateCommunityInput } from './community.input';
import { Grid } from './grid.entity';

@Resolver(() => Community)
export class CommunityResolver {
  @Query(() => Community, { nullable: true })
  community(@Arg('id', () => ID) id: string, @Ctx() ctx: SessionsContext) {
    return ctx.loaders.community.load(id);
  }

  @Query(() => [Community])
  communities(@Arg('subdistrict', () => String, { nullable: true }) subdistrict: string | null, @Ctx() ctx: SessionsContext) {
    return ctx.services.community.list(subdistrict);
  }

  @Mutation(() => Community, { description: 'ADMIN' })
  createCommunity(@Arg('input') input: CreateCommunityInput, @Ctx() ctx: SessionsContext) {
    requireRole(ctx.viewer, 'ADMIN');
    return ctx.services.community.create(input);
  }

  @Mutation(() => Grid, { description: 'ADMIN' })
  addGrid(@Arg('communityId', () => ID) communityId: string, @Arg('name') name: string, @Arg('gridWorker', () => String, { nullable: true }) gridWorker: string | null, @Ctx() ctx: SessionsContext) {
    requireRole(ctx.viewer, 'ADMIN');
    return ctx.services.community.addGrid(communityId, { name, gridWorker });
  }

  @FieldResolver(() => [Grid])
  grids(@Root() community: Community, @Ctx() ctx: SessionsContext) {
    return ctx.loaders.gridsByCommunity.load(community.id);
  }
}

@Resolver(() => Grid)
export class GridResolver {
  @FieldResolver(() => Community)
  community(@Root() grid: Grid, @Ctx() ctx: SessionsContext) {
    return ctx.loaders.community.load(grid.communityId);
  }
}
