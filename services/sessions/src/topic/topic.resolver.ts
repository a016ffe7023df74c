import { connectionTypes, decodeCursor, pageSize } from '@plaza/shared';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { Community } from '../community/community.entity';
import type { SessionsContext } from '../context';
import { Session } from '../session/session.entity';
import { takingSession } from '../session/session.loaders';
import { TopicProposal } from './topic.entity';
import { TopicStatus } from './topic.enums';
import { ProposeTopicInput } from './topic.input';
import { topicKeyset } from './topic.loaders';

export const { Connection: TopicProposalConnection } = connectionTypes('TopicProposal', TopicProposal);

@Resolver(() => TopicProposal)
export class TopicResolver {
  @Query(() => TopicProposal, { nullable: true })
  topicProposal(@Arg('id', () => ID) id: string, @Ctx() ctx: SessionsContext) {
    return ctx.loaders.topic.load(id);
  }

  @Mutation(() => TopicProposal, { description: 'RESIDENT, or STAFF of the community' })
  proposeTopic(@Arg('input') input: ProposeTopicInput, @Ctx() ctx: SessionsContext) {
    return ctx.services.topic.propose(ctx.viewer, input);
  }

  @Mutation(() => TopicProposal, { description: 'STAFF of the community; PROPOSED | DEFERRED -> SELECTED | DEFERRED | DECLINED' })
  decideTopic(
    @Arg('id', () => ID) id: string,
    @Arg('decision', () => TopicStatus) decision: TopicStatus,
    @Arg('note', () => String, { nullable: true }) note: string | null,
    @Ctx() ctx: SessionsContext,
  ) {
    return ctx.services.topic.decide(ctx.viewer, id, { decision, note });
  }

  @FieldResolver(() => Community)
  community(@Root() topic: TopicProposal, @Ctx() ctx: SessionsContext) {
    return ctx.loaders.community.load(topic.communityId);
  }

  @FieldResolver(() => Session, { nullable: true, description: 'the session that took it as its theme' })
  async session(@Root() topic: TopicProposal, @Ctx() ctx: SessionsContext) {
    return takingSession(await ctx.loaders.sessionsByTheme.load(topic.id));
  }
}

@Resolver(() => Community)
export class CommunityTopicsResolver {
  @FieldResolver(() => TopicProposalConnection, { description: 'newest first' })
  topicProposals(
    @Root() community: Community,
    @Arg('status', () => TopicStatus, { nullable: true }) status: TopicStatus | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: SessionsContext,
  ) {
    pageSize(first);
    decodeCursor(after, topicKeyset.casts);
    return ctx.loaders.topicsByCommunity.load({ parentId: community.id, args: { status, first, after } });
  }
}
