import { Field, Int, ObjectType } from 'type-graphql';

@ObjectType({ description: 'Head counts of a session' })
export class Attendance {
  @Field(() => Int)
  residents!: number;

  @Field(() => Int)
  partyMembers!: number;

  @Field(() => Int)
  cadres!: number;

  @Field(() => Int, { description: "party congress and people's congress deputies" })
  deputies!: number;

  @Field(() => Int)
  cppccMembers!: number;

  @Field(() => Int)
  total!: number;
}
