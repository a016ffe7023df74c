import { count, id, optionalId, parseInput, text } from '@plaza/shared';
import { Field, ID, InputType, Int } from 'type-graphql';
import { z } from 'zod';

@InputType()
export class RecordVisitInput {
  @Field(() => ID)
  communityId!: string;

  @Field(() => ID, { nullable: true })
  gridId?: string | null;

  @Field(() => Date, { nullable: true, description: 'defaults to now' })
  visitedAt?: Date | null;

  @Field()
  visitor!: string;

  @Field(() => Int)
  householdsVisited!: number;

  @Field(() => [String])
  opinions!: string[];
}

const recordVisitSchema = z.object({
  communityId: id(),
  gridId: optionalId(),
  visitedAt: z
    .date()
    .nullish()
    .transform((d) => d ?? null),
  visitor: text(50),
  householdsVisited: count(100_000),
  // Blank opinions carry nothing; they are dropped rather than refused.
  opinions: z
    .array(
      z
        .string()
        .transform((s) => s.trim())
        .refine((s) => [...s].length <= 1000, { message: '不能超过 1000 个字符 (at most 1000 characters)' }),
    )
    .max(200, '最多 200 条 (at most 200 opinions)')
    .transform((list) => list.filter((s) => s !== '')),
});
export const parseRecordVisit = (input: RecordVisitInput) => parseInput(recordVisitSchema, input);
