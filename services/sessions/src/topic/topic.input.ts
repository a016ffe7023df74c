import { id, IssueCategory, optionalText, parseInput, text } from '@plaza/shared';
import { Field, ID, InputType } from 'type-graphql';
import { z } from 'zod';
import { TopicSource, TopicStatus } from './topic.enums';

@InputType()
export class ProposeTopicInput {
  @Field(() => ID)
  communityId!: string;

  @Field()
  title!: string;

  @Field(() => String, { nullable: true })
  description?: string | null;

  @Field(() => IssueCategory)
  category!: IssueCategory;

  @Field(() => TopicSource)
  source!: TopicSource;
}

const proposeTopicSchema = z.object({
  communityId: id(),
  title: text(100),
  description: optionalText(5000),
  category: z.nativeEnum(IssueCategory),
  source: z.nativeEnum(TopicSource),
});
export const parseProposeTopic = (input: ProposeTopicInput) => parseInput(proposeTopicSchema, input);

const decideTopicSchema = z.object({ decision: z.nativeEnum(TopicStatus), note: optionalText(1000) });
export const parseDecideTopic = (args: { decision: TopicStatus; note?: string | null }) => parseInput(decideTopicSchema, args, '');
