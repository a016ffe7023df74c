import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { SessionStatus } from './session.enums';

@Directive('@key(fields: "id")')
@ObjectType({ description: '广场夜话: one night-talk session of a community' })
@Entity({ name: 'session' })
export class Session {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'community_id' })
  communityId!: string;

  @Field()
  @Column('text')
  title!: string;

  @Column('uuid', { name: 'theme_id', nullable: true })
  themeId!: string | null;

  @Field({ description: 'e.g. 社区文化广场' })
  @Column('text')
  venue!: string;

  @Field()
  @Column('text')
  host!: string;

  @Field()
  @Column('timestamptz', { name: 'scheduled_at' })
  scheduledAt!: Date;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { name: 'started_at', nullable: true })
  startedAt!: Date | null;

  @Field(() => Date, { nullable: true })
  @Column('timestamptz', { name: 'ended_at', nullable: true })
  endedAt!: Date | null;

  @Field(() => SessionStatus)
  @Column('text', { default: SessionStatus.PLANNED })
  status!: SessionStatus;

  @Column('int', { default: 0 })
  residents!: number;

  @Column('int', { name: 'party_members', default: 0 })
  partyMembers!: number;

  @Column('int', { default: 0 })
  cadres!: number;

  @Column('int', { default: 0 })
  deputies!: number;

  @Column('int', { name: 'cppcc_members', default: 0 })
  cppccMembers!: number;

  @Field(() => String, { nullable: true, description: 'the record written when the session closes' })
  @Column('text', { nullable: true })
  minutes!: string | null;

  @Field(() => String, { nullable: true, description: 'why it was cancelled (added to the contract)' })
  @Column('text', { name: 'cancel_reason', nullable: true })
  cancelReason!: string | null;
}
