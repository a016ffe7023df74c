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

  @Field(() => Date, { nullable: true, description: 'added: when staff last opened the vote (openPlanVote); null: open since proposed' })
  @Column('timestamptz', { name: 'vote_opened_at', nullable: true })
  voteOpenedAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'added: the vote closes by itself at this instant; null: no closing time' })
  @Column('timestamptz', { name: 'vote_closes_at', nullable: true })
  voteClosesAt!: Date | null;

  @Field(() => Date, { nullable: true, description: 'added: when the vote closed (closePlanVote, or its closing time)' })
  @Column('timestamptz', { name: 'vote_closed_at', nullable: true })
  voteClosedAt!: Date | null;
}
