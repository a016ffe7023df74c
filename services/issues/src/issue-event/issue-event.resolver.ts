import { Arg, Ctx, FieldResolver, Int, Query, Resolver, Root } from 'type-graphql';
import type { IssuesContext } from '../context';
import { IssueEventConnection } from '../issue/issue.connection';
import { Issue } from '../issue/issue.entity';
import { Plan } from '../votes/plan.entity';
import { IssueEvent } from './issue-event.entity';

@Resolver(() => IssueEvent)
export class IssueEventResolver {
  @Query(() => IssueEventConnection, { description: 'added: every event of every request after a cursor, in commit order, for replay' })
  issueEventLog(@Arg('after', () => String, { nullable: true }) after: string | null, @Arg('first', () => Int, { nullable: true, defaultValue: 100 }) first: number | null, @Ctx() ctx: IssuesContext) {
    return ctx.services.events.log({ first, after });
  }

  @FieldResolver(() => Issue)
  issue(@Root() event: IssueEvent, @Ctx() ctx: IssuesContext) {
    return ctx.loaders.issue.load(event.issueId);
  }

  @FieldResolver(() => Plan, { nullable: true, description: 'added: the plan of a PLAN_* event' })
  plan(@Root() event: IssueEvent, @Ctx() ctx: IssuesContext) {
    return event.planId ? ctx.loaders.plan.load(event.planId) : null;
  }
}
