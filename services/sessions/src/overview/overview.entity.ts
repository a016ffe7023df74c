import { OverviewKeyFields } from '@plaza/shared';
import { Directive, Field, Int, ObjectType } from 'type-graphql';

/**
 * The analysts' overview. One entity contributed by all three subgraphs: each declares the key
 * and its own figures. This subgraph owns `Query.overview` and the sessions-side figures.
 */
@Directive('@key(fields: "scope from to")')
@ObjectType({ description: 'Figures of a scope over Asia/Shanghai days from..to inclusive' })
export class Overview extends OverviewKeyFields {
  @Field(() => Int, { description: 'sessions CLOSED, by scheduled time' })
  sessionsHeld!: number;

  @Field(() => Int, { description: 'sum of the five attendance counts of the sessions held' })
  totalAttendance!: number;

  @Field(() => Int, { description: 'households of the visits in range, by visit time' })
  householdsVisited!: number;

  @Field(() => Int, { description: 'topics proposed in range' })
  topicsProposed!: number;
}

/** The entity key: what the gateway sends to every contributing subgraph. */
export interface OverviewKey {
  scope: string;
  from: string;
  to: string;
}

export type OverviewFigures = Pick<Overview, 'sessionsHeld' | 'totalAttendance' | 'householdsVisited' | 'topicsProposed'>;
