import { OverviewKeyFields } from '@plaza/shared';
import { Directive, Field, Float, Int, ObjectType } from 'type-graphql';

/**
 * The analysts' Overview, keyed by scope and period. Sessions and issues contribute their own
 * fields to the same entity; this subgraph resolves only the volunteering figures.
 */
@Directive('@key(fields: "scope from to")')
@ObjectType('Overview')
export class Overview extends OverviewKeyFields {
  @Field(() => Int, { description: 'teams in scope formed on or before `to`' })
  volunteerTeams!: number;

  @Field(() => Int, { description: 'members of those teams who joined on or before `to`' })
  volunteers!: number;

  @Field(() => Int, { description: 'activities held in the period' })
  activities!: number;

  @Field(() => Int, { description: '受益人次 of the activities held in the period' })
  beneficiaries!: number;

  @Field(() => Float)
  volunteerHours!: number;

  @Field(() => Int, { description: 'cadre check-ins in the period' })
  cadresCheckedIn!: number;
}

export type OverviewFigures = Omit<Overview, 'scope' | 'from' | 'to'>;
