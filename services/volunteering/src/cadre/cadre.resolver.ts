import { connectionTypes } from '@plaza/shared';
import { Arg, Ctx, FieldResolver, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { VolunteeringContext } from '../context';
import { CommunityRef, ref } from '../federation/refs.entity';
import { CadreCheckIn } from './cadre-check-in.entity';
import { CheckInCadreInput } from './cadre.input';

export const { Connection: CadreCheckInConnection } = connectionTypes('CadreCheckIn', CadreCheckIn);

@Resolver(() => CadreCheckIn)
export class CadreResolver {
  @Mutation(() => CadreCheckIn, { description: 'STAFF of the community' })
  checkInCadre(@Arg('input') input: CheckInCadreInput, @Ctx() ctx: VolunteeringContext) {
    return ctx.services.cadre.checkIn(ctx.viewer, input);
  }

  @FieldResolver(() => CommunityRef)
  community(@Root() checkIn: CadreCheckIn) {
    return ref(checkIn.communityId);
  }
}

@Resolver(() => CommunityRef)
export class CommunityCadresResolver {
  @FieldResolver(() => CadreCheckInConnection)
  cadreCheckIns(
    @Root() community: CommunityRef,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: VolunteeringContext,
  ) {
    return ctx.loaders.checkInsByCommunity.load({ parentId: community.id, args: { first, after } });
  }
}
