import { shanghaiDayEnd } from '@plaza/shared';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import type { IssuesContext } from '../context';
import { CommunityRef, GridRef, ref, SessionRef } from '../federation/refs.entity';
import { Plan } from '../votes/plan.entity';
import { IssueConnection, IssueEventConnection } from './issue.connection';
import { Claim, Issue } from './issue.entity';
import { LedgerStatus } from './issue.enums';
import { IssueFilter, RaiseIssueInput } from './issue.input';
import { canSeeReporter, isIssueOverdue, isLedgerDone, ledgerStatusSeen } from './issue.rules';
import { Evaluation, Feedback, Outcome } from './feedback.entity';
import { LedgerEntry } from './ledger-entry.entity';

@Resolver(() => Issue)
export class IssueResolver {
  @Query(() => Issue, { nullable: true })
  issue(@Arg('id', () => ID) id: string, @Ctx() ctx: IssuesContext) {
    return ctx.loaders.issue.load(id);
  }

  @Query(() => IssueConnection)
  issues(
    @Arg('filter', () => IssueFilter, { nullable: true }) filter: IssueFilter | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: IssuesContext,
  ) {
    return ctx.services.issue.list(filter, { first, after });
  }

  @Mutation(() => Issue, { description: 'RESIDENT or STAFF' })
  raiseIssue(@Arg('input', () => RaiseIssueInput) input: RaiseIssueInput, @Ctx() ctx: IssuesContext) {
    return ctx.services.issue.raise(ctx.viewer, input);
  }

  @FieldResolver(() => CommunityRef)
  community(@Root() issue: Issue) {
    return ref(issue.communityId);
  }

  @FieldResolver(() => GridRef, { nullable: true })
  grid(@Root() issue: Issue) {
    return ref(issue.gridId);
  }

  @FieldResolver(() => SessionRef, { nullable: true, description: 'the session where it was raised, if any' })
  session(@Root() issue: Issue) {
    return ref(issue.sessionId);
  }

  @FieldResolver(() => String, { nullable: true, description: 'personal data: only the reporter and STAFF of its community may read it' })
  reporterContact(@Root() issue: Issue, @Ctx() ctx: IssuesContext): string | null {
    return canSeeReporter(ctx.viewer, issue) ? issue.reporterContact : null;
  }

  @FieldResolver(() => Claim, { nullable: true })
  claim(@Root() issue: Issue): Claim | null {
    if (!issue.claimDepartment || !issue.claimedAt) return null;
    return { department: issue.claimDepartment, claimedBy: issue.claimedBy ?? '', claimedAt: issue.claimedAt };
  }

  @FieldResolver(() => [LedgerEntry], { description: '整改台账' })
  ledger(@Root() issue: Issue, @Ctx() ctx: IssuesContext) {
    return ctx.loaders.ledgerByIssue.load(issue.id);
  }

  @FieldResolver(() => [Feedback])
  feedback(@Root() issue: Issue, @Ctx() ctx: IssuesContext) {
    return ctx.loaders.feedbackByIssue.load(issue.id);
  }

  @FieldResolver(() => [Evaluation])
  evaluations(@Root() issue: Issue, @Ctx() ctx: IssuesContext) {
    return ctx.loaders.evaluationsByIssue.load(issue.id);
  }

  @FieldResolver(() => [Plan])
  plans(@Root() issue: Issue, @Ctx() ctx: IssuesContext) {
    return ctx.loaders.plansByIssue.load(issue.id);
  }

  @FieldResolver(() => [Outcome])
  outcomes(@Root() issue: Issue, @Ctx() ctx: IssuesContext) {
    return ctx.loaders.outcomesByIssue.load(issue.id);
  }

  @FieldResolver(() => Boolean)
  viewerSupports(@Root() issue: Issue, @Ctx() ctx: IssuesContext) {
    return ctx.loaders.viewerSupports.load(issue.id);
  }

  /** The end of the earliest deadline day among unfinished ledger entries. */
  @FieldResolver(() => Date, { nullable: true })
  async dueAt(@Root() issue: Issue, @Ctx() ctx: IssuesContext): Promise<Date | null> {
    const open = (await ctx.loaders.ledgerByIssue.load(issue.id)).filter((e) => !isLedgerDone(e));
    if (!open.length) return null;
    return shanghaiDayEnd(open.map((e) => e.deadline).sort()[0]!);
  }

  /** While any ledger entry is unfinished past its deadline day (whether or not the sweep has marked it yet). */
  @FieldResolver(() => Boolean)
  async overdue(@Root() issue: Issue, @Ctx() ctx: IssuesContext): Promise<boolean> {
    return isIssueOverdue(await ctx.loaders.ledgerByIssue.load(issue.id), ctx.services.issue.today());
  }

  @FieldResolver(() => IssueEventConnection)
  timeline(
    @Root() issue: Issue,
    @Arg('first', () => Int, { nullable: true, defaultValue: 50 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: IssuesContext,
  ) {
    return ctx.loaders.timeline.load({ parentId: issue.id, args: { first, after } });
  }
}

@Resolver(() => LedgerEntry)
export class LedgerEntryResolver {
  @FieldResolver(() => LedgerStatus)
  status(@Root() entry: LedgerEntry, @Ctx() ctx: IssuesContext): LedgerStatus {
    return ledgerStatusSeen(entry, ctx.services.issue.today());
  }
}
