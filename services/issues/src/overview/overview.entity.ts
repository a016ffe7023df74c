import { IssueCategory, OverviewKeyFields } from '@plaza/shared';
import { Directive, Field, Float, Int, ObjectType } from 'type-graphql';

@ObjectType()
export class CategoryCount {
  @Field(() => IssueCategory)
  category!: IssueCategory;

  @Field(() => Int)
  count!: number;
}

/**
 * The analysts' Overview, keyed by scope and period. Sessions and volunteering contribute their
 * own fields to the same entity; this subgraph resolves only the issue figures. "Resolved in the
 * period" means RESOLVED or CLOSED with resolved_at (the moment it became RESOLVED) in the period.
 */
@Directive('@key(fields: "scope from to")')
@ObjectType('Overview')
export class Overview extends OverviewKeyFields {
  @Field(() => Int, { description: 'requests raised in the period' })
  issuesRaised!: number;

  @Field(() => Int, { description: 'requests resolved in the period' })
  issuesResolved!: number;

  @Field(() => Int, { description: '现场解决: resolved in the period, on the spot' })
  issuesResolvedOnSite!: number;

  @Field(() => Int, { description: 'raised in the period and overdue now (an unfinished ledger entry past its deadline day)' })
  issuesOverdue!: number;

  @Field(() => Float, { description: 'issuesResolved / issuesRaised; 0 when none was raised' })
  resolutionRate!: number;

  @Field(() => Float, { nullable: true, description: 'median days from raised to resolved, of those resolved in the period' })
  medianDaysToResolve!: number | null;

  @Field(() => Float, { nullable: true, description: 'satisfied / all evaluations given in the period; null when none' })
  satisfactionRate!: number | null;

  @Field(() => Int)
  familyConflictsResolved!: number;

  @Field(() => Int)
  neighbourDisputesResolved!: number;

  @Field(() => Int, { description: 'outcomes SERVICE_FACILITY' })
  facilitiesAdded!: number;

  @Field(() => Int)
  neighbourhoodCentresAdded!: number;

  @Field(() => [CategoryCount], { description: 'resolved in the period, by category; count desc, then category' })
  resolvedByCategory!: CategoryCount[];

  @Field(() => Float, { nullable: true, description: '小事不出网格: of the requests resolved in the period, the share never escalated above GRID; null when none' })
  settledAtGridShare!: number | null;

  @Field(() => Float, { nullable: true, description: '大事不出社区: of the requests resolved in the period, the share never escalated above COMMUNITY; null when none' })
  settledInCommunityShare!: number | null;
}

export type OverviewFigures = Omit<Overview, 'scope' | 'from' | 'to'>;
