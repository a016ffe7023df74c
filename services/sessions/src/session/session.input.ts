import { count, id, optionalId, parseInput, text } from '@plaza/shared';
import { Field, ID, InputType, Int } from 'type-graphql';
import { z } from 'zod';

@InputType()
export class ScheduleSessionInput {
  @Field(() => ID)
  communityId!: string;

  @Field()
  title!: string;

  @Field(() => ID, { nullable: true })
  themeId?: string | null;

  @Field()
  venue!: string;

  @Field()
  host!: string;

  @Field()
  scheduledAt!: Date;
}

const scheduleSessionSchema = z.object({
  communityId: id(),
  title: text(100),
  themeId: optionalId(),
  venue: text(100),
  host: text(50),
  scheduledAt: z.date(),
});
export const parseScheduleSession = (input: ScheduleSessionInput) => parseInput(scheduleSessionSchema, input);

@InputType()
export class AttendanceInput {
  @Field(() => Int)
  residents!: number;

  @Field(() => Int)
  partyMembers!: number;

  @Field(() => Int)
  cadres!: number;

  @Field(() => Int)
  deputies!: number;

  @Field(() => Int)
  cppccMembers!: number;
}

const attendanceSchema = z.object({
  residents: count(100_000),
  partyMembers: count(100_000),
  cadres: count(100_000),
  deputies: count(100_000),
  cppccMembers: count(100_000),
});
export const parseAttendance = (input: AttendanceInput) => parseInput(attendanceSchema, input);

export const parseMinutes = (minutes: string) => parseInput(z.object({ minutes: text(20_000) }), { minutes }, '').minutes;
export const parseReason = (reason: string) => parseInput(z.object({ reason: text(500) }), { reason }, '').reason;
