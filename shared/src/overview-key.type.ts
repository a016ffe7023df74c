import { Field, ID, ObjectType } from 'type-graphql';
import { CalendarDateScalar } from './scalars';

/**
 * The key of the analysts' Overview entity (`@key(fields: "scope from to")`), the same in all
 * three subgraphs; each one's `Overview` extends it with its own figures. Read a key with
 * `parseOverviewKey` (period.ts).
 */
@ObjectType()
export abstract class OverviewKeyFields {
  @Field(() => ID, { description: 'city (everything), a subdistrict name, or a community id' })
  scope!: string;

  @Field(() => CalendarDateScalar, { description: 'overview(from:) or, when omitted, the first day with any record' })
  from!: string;

  @Field(() => CalendarDateScalar, { description: 'overview(to:) or, when omitted, today (Asia/Shanghai)' })
  to!: string;
}
