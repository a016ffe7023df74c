import { Arg, Ctx, ID, Mutation, Resolver } from 'type-graphql';
import type { IssuesContext } from '../context';
import { Issue } from '../issue/issue.entity';
import { IssueLevel } from '../issue/issue.enums';
import { EvaluationInput, LedgerEntryInput, OutcomeInput } from './loop.input';

/** The loop's mutations (each starts from fresh loaders: see freshLoadersPerMutation). */
@Resolver()
export class LoopResolver {
  @Mutation(() => Issue, { description: 'STAFF of the community: SUBMITTED -> CLAIMED' })
  claimIssue(@Arg('id', () => ID) id: string, @Arg('department') department: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.loop.claim(ctx.viewer, id, department);
  }

  @Mutation(() => Issue, { description: 'STAFF of the community' })
  addLedgerEntry(@Arg('issueId', () => ID) issueId: string, @Arg('input', () => LedgerEntryInput) input: LedgerEntryInput, @Ctx() ctx: IssuesContext) {
    return ctx.services.loop.addLedgerEntry(ctx.viewer, issueId, input);
  }

  @Mutation(() => Issue, { description: 'STAFF of the community' })
  completeLedgerEntry(@Arg('id', () => ID) id: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.loop.completeLedgerEntry(ctx.viewer, id);
  }

  @Mutation(() => Issue, { description: 'STAFF of the community: IN_PROGRESS -> FEEDBACK_GIVEN' })
  giveFeedback(@Arg('issueId', () => ID) issueId: string, @Arg('text') text: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.loop.giveFeedback(ctx.viewer, issueId, text);
  }

  @Mutation(() => Issue, { description: 'the reporter, or STAFF on their behalf' })
  evaluateIssue(@Arg('issueId', () => ID) issueId: string, @Arg('input', () => EvaluationInput) input: EvaluationInput, @Ctx() ctx: IssuesContext) {
    return ctx.services.loop.evaluate(ctx.viewer, issueId, input);
  }

  @Mutation(() => Issue, { description: 'STAFF of the community; the level only goes up' })
  escalateIssue(@Arg('id', () => ID) id: string, @Arg('level', () => IssueLevel) level: IssueLevel, @Arg('reason') reason: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.loop.escalate(ctx.viewer, id, level, reason);
  }

  @Mutation(() => Issue, { description: 'STAFF of the community: SUBMITTED -> RESOLVED' })
  resolveOnSite(@Arg('id', () => ID) id: string, @Arg('note') note: string, @Arg('outcomes', () => [OutcomeInput], { nullable: true }) outcomes: OutcomeInput[] | null, @Ctx() ctx: IssuesContext) {
    return ctx.services.loop.resolveOnSite(ctx.viewer, id, note, outcomes);
  }

  @Mutation(() => Issue, { description: 'STAFF of the community: SUBMITTED | CLAIMED -> REJECTED' })
  rejectIssue(@Arg('id', () => ID) id: string, @Arg('reason') reason: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.loop.reject(ctx.viewer, id, reason);
  }

  @Mutation(() => Issue, { description: 'STAFF of the community: RESOLVED -> CLOSED' })
  closeIssue(@Arg('id', () => ID) id: string, @Ctx() ctx: IssuesContext) {
    return ctx.services.loop.close(ctx.viewer, id);
  }
}
