import { IssueCategory } from '@plaza/shared';
import { Directive, Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { IssueLevel, IssueStatus } from './issue.enums';

/** A resident's request (诉求). Relations to the sessions subgraph are ids only. */
@Directive('@key(fields: "id")')
@ObjectType({ description: '诉求' })
@Entity({ name: 'issue' })
export class Issue {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field()
  @Column('text')
  title!: string;

  @Field()
  @Column('text')
  description!: string;

  @Field(() => IssueCategory)
  @Column('text')
  category!: IssueCategory;

  @Field(() => IssueStatus)
  @Column('text')
  status!: IssueStatus;

  @Field(() => IssueLevel)
  @Column('text')
  level!: IssueLevel;

  @Column('uuid', { name: 'community_id' })
  communityId!: string;

  /** Copied from the community when raised, for the subdistrict filter and analytics. */
  @Column('text')
  subdistrict!: string;

  @Column('uuid', { name: 'grid_id', nullable: true })
  gridId!: string | null;

  @Column('uuid', { name: 'session_id', nullable: true })
  sessionId!: string | null;

  @Field()
  @Column('timestamptz', { name: 'raised_at' })
  raisedAt!: Date;

  @Field(() => String, { nullable: true, description: 'display name, public' })
  @Column('text', { name: 'raised_by', nullable: true })
  raisedBy!: string | null;

  /** The viewer id of whoever raised it: the one person besides staff who may read the contact. */
  @Column('text', { name: 'reporter_id', nullable: true })
  reporterId!: string | null;

  @Column('text', { name: 'reporter_contact', nullable: true })
  reporterContact!: string | null;

  @Field({ description: '现场解决' })
  @Column('boolean', { name: 'resolved_on_site' })
  resolvedOnSite!: boolean;

  @Column('text', { name: 'claim_department', nullable: true })
  claimDepartment!: string | null;

  @Column('text', { name: 'claimed_by', nullable: true })
  claimedBy!: string | null;

  @Column('timestamptz', { name: 'claimed_at', nullable: true })
  claimedAt!: Date | null;

  @Column('timestamptz', { name: 'resolved_at', nullable: true })
  resolvedAt!: Date | null;

  @Field(() => Int)
  @Column('int', { name: 'support_count' })
  supportCount!: number;
}

@ObjectType()
export class Claim {
  @Field()
  department!: string;

  @Field()
  claimedBy!: string;

  @Field()
  claimedAt!: Date;
}
