import { CalendarDateScalar } from '@plaza/shared';
import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { LedgerStatus } from './issue.enums';

/** 整改台账: a measure with a deadline (an Asia/Shanghai calendar day) and who answers for it. */
@ObjectType()
@Entity({ name: 'ledger_entry' })
export class LedgerEntry {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'issue_id' })
  issueId!: string;

  @Field()
  @Column('text')
  measure!: string;

  @Field()
  @Column('text', { name: 'responsible_person' })
  responsiblePerson!: string;

  @Field()
  @Column('text', { name: 'responsible_unit' })
  responsibleUnit!: string;

  @Field(() => CalendarDateScalar)
  @Column('date')
  deadline!: string;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { name: 'completed_at', nullable: true })
  completedAt!: Date | null;

  /** As stored; the resolver also reports OVERDUE for an open entry past its deadline the sweep has not reached yet. */
  @Column('text')
  status!: LedgerStatus;

  @Column('timestamptz', { name: 'created_at' })
  createdAt!: Date;
}
