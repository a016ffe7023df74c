import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { OutcomeKind } from './issue.enums';

@ObjectType()
@Entity({ name: 'feedback' })
export class Feedback {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'issue_id' })
  issueId!: string;

  @Field()
  @Column('text')
  text!: string;

  @Field()
  @Column('text', { name: 'given_by' })
  givenBy!: string;

  @Field()
  @Column('timestamptz', { name: 'given_at' })
  givenAt!: Date;
}

@ObjectType()
@Entity({ name: 'evaluation' })
export class Evaluation {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'issue_id' })
  issueId!: string;

  @Field()
  @Column('boolean')
  satisfied!: boolean;

  @Field(() => Int)
  @Column('int')
  rating!: number;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  comment!: string | null;

  @Column('text', { name: 'evaluated_by' })
  evaluatedBy!: string;

  @Field()
  @Column('timestamptz', { name: 'evaluated_at' })
  evaluatedAt!: Date;
}

@ObjectType()
@Entity({ name: 'outcome' })
export class Outcome {
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'issue_id' })
  issueId!: string;

  @Field(() => OutcomeKind)
  @Column('text')
  kind!: OutcomeKind;

  @Field(() => Int)
  @Column('int')
  quantity!: number;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  note!: string | null;

  @Column('int')
  position!: number;
}
