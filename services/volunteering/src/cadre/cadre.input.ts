import { parseInput, text } from '@plaza/shared';
import { Field, ID, InputType } from 'type-graphql';
import { z } from 'zod';

@InputType()
export class CheckInCadreInput {
  @Field(() => ID)
  communityId!: string;

  @Field()
  cadreName!: string;

  @Field()
  workUnit!: string;
}

const checkInCadreSchema = z.object({ communityId: z.string(), cadreName: text(50), workUnit: text(100) });
export const parseCheckInCadre = (input: CheckInCadreInput) => parseInput(checkInCadreSchema, input);
