import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Resolver, Root } from 'type-graphql';
import type { IssuesContext } from '../context';
import { Issue } from '../issue/issue.entity';
import { Stance } from '../issue/issue.enums';
import { Plan } from './plan.entity';
import { isVoteOpen } from './vote-window';

@Resolver(() => Plan)
export class VotesResolver {
  @Mutation(() => Issue, { description: 'RESIDENT or STAFF; idempotent per viewer' })
  supportIssue(@Arg('issueId', () => ID) issueId: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.votes.support(ctx.viewer, issueId);
  }

  @Mutation(() => Issue, { description: 'idempotent per viewer' })
  withdrawSupport(@Arg('issueId', () => ID) issueId: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.votes.withdraw(ctx.viewer, issueId);
  }

  @Mutation(() => Plan, { description: 'RESIDENT or STAFF' })
  proposePlan(@Arg('issueId', () => ID) issueId: string, @Arg('summary') summary: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.votes.propose(ctx.viewer, issueId, summary);
  }

  @Mutation(() => Plan, { description: 'RESIDENT or STAFF; one stance per viewer, re-voting changes it' })
  votePlan(@Arg('planId', () => ID) planId: string, @Arg('stance', () => Stance) stance: Stance, @Ctx() ctx: IssuesContext) {
    return ctx.services.votes.vote(ctx.viewer, planId, stance);
  }

  @Mutation(() => Plan, { description: 'STAFF of the community; adopting one rejects the others' })
  decidePlan(@Arg('planId', () => ID) planId: string, @Arg('adopt') adopt: boolean, @Ctx() ctx: IssuesContext) {
    return ctx.services.votes.decide(ctx.viewer, planId, adopt);
  }

  @Mutation(() => Plan, { description: "added: STAFF of the community; (re)opens an undecided plan's vote, closing by itself at closesAt if given" })
  openPlanVote(@Arg('planId', () => ID) planId: string, @Arg('closesAt', () => Date, { nullable: true }) closesAt: Date | null, @Ctx() ctx: IssuesContext) {
    return ctx.services.votes.openVote(ctx.viewer, planId, closesAt ?? null);
  }

  @Mutation(() => Plan, { description: "added: STAFF of the community; closes the plan's vote now (the plan stays undecided)" })
  closePlanVote(@Arg('planId', () => ID) planId: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.votes.closeVote(ctx.viewer, planId);
  }

  @FieldResolver(() => Boolean, { description: 'added: whether the plan takes votes now (undecided, not closed, before voteClosesAt)' })
  voteOpen(@Root() plan: Plan) {
    return isVoteOpen(plan, new Date());
  }

  @FieldResolver(() => Int, { description: 'added: how many viewers have voted (participation, not who voted how); the same as voters' })
  votesCast(@Root() plan: Plan) {
    return plan.votesFor + plan.votesAgainst + plan.votesAbstain;
  }

  /** The contract's name for the participation count (one stance per viewer, so one vote each). */
  @FieldResolver(() => Int)
  voters(@Root() plan: Plan) {
    return plan.votesFor + plan.votesAgainst + plan.votesAbstain;
  }

  @FieldResolver(() => Issue)
  issue(@Root() plan: Plan, @Ctx() ctx: IssuesContext) {
    return ctx.loaders.issue.load(plan.issueId);
  }

  @FieldResolver(() => Stance, { nullable: true })
  viewerStance(@Root() plan: Plan, @Ctx() ctx: IssuesContext) {
    return ctx.loaders.viewerStance.load(plan.id);
  }
}
