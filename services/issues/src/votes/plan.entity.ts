import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { PlanStatus } from '../issue/issue.enums';

/** 方案: proposed for a request, voted on at a session, adopted or rejected by staff. */
@ObjectType()
@Entity({ name: 'plan' })
export class Plan {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'issue_id' })
  issueId!: string;

  @Field()
  @Column('text')
  summary!: string;

  @Field()
  @Column('text', { name: 'proposed_by' })
  proposedBy!: string;

  @Field(() => PlanStatus)
  @Column('text')
  status!: PlanStatus;

  @Field(() => Int)
  @Column('int', { name: 'votes_for' })
  votesFor!: number;

  @Field(() => Int)
  @Column('int', { name: 'votes_against' })
  votesAgainst!: number;

  @Field(() => Int)
  @Column('int', { name: 'votes_abstain' })
  votesAbstain!: number;

  @Column('timestamptz', { name: 'proposed_at' })
  proposedAt!: Date;
}
