import { IssueCategory } from '@plaza/shared';
import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TopicSource, TopicStatus } from './topic.enums';

@Directive('@key(fields: "id")')
@ObjectType({ description: "A candidate theme for a month's session; the community committees select one" })
@Entity({ name: 'topic_proposal' })
export class TopicProposal {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'community_id' })
  communityId!: string;

  @Field()
  @Column('text')
  title!: string;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  description!: string | null;

  @Field(() => IssueCategory)
  @Column('text')
  category!: IssueCategory;

  @Field(() => TopicSource)
  @Column('text')
  source!: TopicSource;

  @Field()
  @Column('timestamptz', { name: 'proposed_at', default: () => 'now()' })
  proposedAt!: Date;

  /** The viewer who proposed it; not part of the public type. */
  @Column('text', { name: 'proposed_by', nullable: true })
  proposedBy!: string | null;

  @Field(() => TopicStatus)
  @Column('text', { default: TopicStatus.PROPOSED })
  status!: TopicStatus;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { name: 'decided_at', nullable: true })
  decidedAt!: Date | null;

  @Field(() => String, { nullable: true })
  @Column('text', { name: 'decision_note', nullable: true })
  decisionNote!: string | null;
}
