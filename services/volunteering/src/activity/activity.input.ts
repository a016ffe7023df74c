import { count, parseInput, text } from '@plaza/shared';
import { Field, Float, ID, InputType, Int } from 'type-graphql';
import { z } from 'zod';

@InputType()
export class RecordActivityInput {
  @Field(() => ID)
  teamId!: string;

  @Field()
  title!: string;

  @Field()
  heldAt!: Date;

  @Field(() => Int)
  beneficiaries!: number;

  @Field(() => Float)
  volunteerHours!: number;

  @Field(() => ID, { nullable: true })
  sessionId?: string | null;

  @Field(() => ID, { nullable: true })
  issueId?: string | null;
}

/** Clocks differ and a late-evening record may be entered ahead; more than a day is a mistake. */
export const HELD_AT_FUTURE_SLACK_MS = 24 * 3600 * 1000;
export const MAX_VOLUNTEER_HOURS = 10_000;

const recordActivitySchema = z.object({
  teamId: z.string(),
  title: text(100),
  heldAt: z.date().refine((d) => d.getTime() <= Date.now() + HELD_AT_FUTURE_SLACK_MS, { message: '不能晚于明天 (must not be more than a day in the future)' }),
  beneficiaries: count(),
  volunteerHours: z.number().finite('必须是有限数 (must be finite)').min(0, '不能为负数 (must be >= 0)').max(MAX_VOLUNTEER_HOURS, `不能超过 ${MAX_VOLUNTEER_HOURS} (at most ${MAX_VOLUNTEER_HOURS})`),
  sessionId: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  issueId: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
});
export const parseRecordActivity = (input: RecordActivityInput) => parseInput(recordActivitySchema, input);
