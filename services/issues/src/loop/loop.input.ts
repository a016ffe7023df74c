import { CalendarDateScalar, calendarDay, checkArg, count, optionalText, parseInput, text } from '@plaza/shared';
import { Field, InputType, Int } from 'type-graphql';
import { z } from 'zod';
import { OutcomeKind } from '../issue/issue.enums';

@InputType()
export class LedgerEntryInput {
  @Field()
  measure!: string;

  @Field()
  responsiblePerson!: string;

  @Field()
  responsibleUnit!: string;

  @Field(() => CalendarDateScalar)
  deadline!: string;
}

/** `today` is the Asia/Shanghai day: a deadline before it is already missed. */
export const parseLedgerEntry = (input: LedgerEntryInput, today: string) =>
  parseInput(
    z.object({
      measure: text(500),
      responsiblePerson: text(50),
      responsibleUnit: text(100),
      deadline: calendarDay().refine((d) => d >= today, { message: `截止日期不能早于今天 ${today} (deadline must not be in the past)` }),
    }),
    input,
  );

@InputType()
export class EvaluationInput {
  @Field()
  satisfied!: boolean;

  @Field(() => Int)
  rating!: number;

  @Field(() => String, { nullable: true })
  comment?: string | null;
}

export const parseEvaluation = (input: EvaluationInput) =>
  parseInput(
    z.object({
      satisfied: z.boolean(),
      rating: z.number().int().min(1, '评分为 1 到 5 (rating must be 1..5)').max(5, '评分为 1 到 5 (rating must be 1..5)'),
      comment: optionalText(1000),
    }),
    input,
  );

@InputType()
export class OutcomeInput {
  @Field(() => OutcomeKind)
  kind!: OutcomeKind;

  @Field(() => Int)
  quantity!: number;

  @Field(() => String, { nullable: true })
  note?: string | null;
}

export const parseOutcomes = (outcomes: OutcomeInput[] | null | undefined) =>
  checkArg(
    'outcomes',
    z.array(z.object({ kind: z.nativeEnum(OutcomeKind), quantity: count(), note: optionalText(200) })).max(20, '最多 20 项 (at most 20 outcomes)'),
    (outcomes ?? []).map((o) => ({ ...o })),
  );

/** A required free-text argument (reason, note, department…) checked under its own name. */
export const parseText = (field: string, value: string, max: number) => checkArg(field, text(max), value);
