import { CalendarDateScalar, IssueCategory, optionalText, parseInput, text } from '@plaza/shared';
import { Field, ID, InputType } from 'type-graphql';
import { z } from 'zod';
import { IssueLevel, IssueStatus } from './issue.enums';

@InputType()
export class RaiseIssueInput {
  @Field(() => ID)
  communityId!: string;

  @Field(() => ID, { nullable: true })
  gridId?: string | null;

  @Field(() => ID, { nullable: true })
  sessionId?: string | null;

  @Field()
  title!: string;

  @Field()
  description!: string;

  @Field(() => IssueCategory)
  category!: IssueCategory;

  @Field(() => String, { nullable: true })
  raisedBy?: string | null;

  @Field(() => String, { nullable: true })
  reporterContact?: string | null;
}

// Ids are checked for existence against the sessions subgraph afterwards (NOT_FOUND there).
const raiseSchema = z.object({
  communityId: z.string(),
  gridId: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  sessionId: z
    .string()
    .nullish()
    .transform((v) => v ?? null),
  title: text(100),
  description: text(5000),
  category: z.nativeEnum(IssueCategory),
  raisedBy: optionalText(50),
  reporterContact: optionalText(100),
});
export const parseRaiseIssue = (input: RaiseIssueInput) => parseInput(raiseSchema, input);

@InputType()
export class IssueFilter {
  @Field(() => ID, { nullable: true })
  communityId?: string | null;

  @Field(() => String, { nullable: true })
  subdistrict?: string | null;

  @Field(() => ID, { nullable: true })
  sessionId?: string | null;

  @Field(() => [IssueCategory], { nullable: true })
  categories?: IssueCategory[] | null;

  @Field(() => [IssueStatus], { nullable: true })
  statuses?: IssueStatus[] | null;

  @Field(() => [IssueLevel], { nullable: true })
  levels?: IssueLevel[] | null;

  @Field(() => Boolean, { nullable: true })
  overdue?: boolean | null;

  @Field(() => String, { nullable: true, description: 'substring search, Chinese included' })
  text?: string | null;

  @Field(() => CalendarDateScalar, { nullable: true })
  raisedFrom?: string | null;

  @Field(() => CalendarDateScalar, { nullable: true })
  raisedTo?: string | null;
}

const filterSchema = z
  .object({
    text: optionalText(100),
    raisedFrom: z.string().nullish(),
    raisedTo: z.string().nullish(),
  })
  .passthrough()
  .refine((f) => !f.raisedFrom || !f.raisedTo || f.raisedFrom <= f.raisedTo, { message: 'raisedFrom 不能晚于 raisedTo (raisedFrom must not be after raisedTo)', path: ['raisedTo'] });

/**
 * A plain copy of the filter (type-graphql input instances carry no prototype fields we need).
 * `prefix` starts the error's field path (default `filter`; the CSV export passes '' so the field
 * is the query-string parameter's name).
 */
export function parseIssueFilter(filter: IssueFilter | null | undefined, prefix = 'filter'): IssueFilter {
  if (!filter) return {};
  return parseInput(filterSchema, { ...filter }, prefix) as IssueFilter;
}
