import { encodeCursor, IssueCategory } from '@plaza/shared';
import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryColumn } from 'typeorm';
import { IssueEventKind, IssueStatus } from '../issue/issue.enums';

/** The opaque cursor of an event: its seq, totally ordered by commit. */
export const eventCursor = (seq: string | number) => encodeCursor([Number(seq)]);

/**
 * One change of one request. The routing columns (community, subdistrict, session, category)
 * are copied from the request so subscribers can be matched without reading the request.
 */
@ObjectType()
@Entity({ name: 'issue_event' })
export class IssueEvent {
  /** bigserial; pg hands bigint over as a string. */
  @PrimaryColumn('bigint')
  seq!: string;

  @Field({ description: 'totally ordered; pass it as `after` to resume without gaps' })
  get cursor(): string {
    return eventCursor(this.seq);
  }

  @Field(() => IssueEventKind)
  @Column('text')
  kind!: IssueEventKind;

  @Field()
  @Column('timestamptz')
  at!: Date;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  actor!: string | null;

  @Field(() => String, { nullable: true })
  @Column('text', { nullable: true })
  note!: string | null;

  @Field(() => IssueStatus, { nullable: true })
  @Column('text', { name: 'from_status', nullable: true })
  fromStatus!: IssueStatus | null;

  @Field(() => IssueStatus, { nullable: true })
  @Column('text', { name: 'to_status', nullable: true })
  toStatus!: IssueStatus | null;

  @Field(() => ID, { description: 'added: the request, for filtering without resolving it' })
  @Column('uuid', { name: 'issue_id' })
  issueId!: string;

  @Field(() => ID, { description: 'added: routing attribute copied from the request' })
  @Column('uuid', { name: 'community_id' })
  communityId!: string;

  @Field({ description: 'added: routing attribute copied from the request' })
  @Column('text')
  subdistrict!: string;

  @Field(() => ID, { nullable: true, description: 'added: routing attribute copied from the request' })
  @Column('uuid', { name: 'session_id', nullable: true })
  sessionId!: string | null;

  @Field(() => IssueCategory, { description: 'added: routing attribute copied from the request' })
  @Column('text')
  category!: IssueCategory;

  @Column('uuid', { name: 'plan_id', nullable: true })
  planId!: string | null;

  @Field(() => Int, { nullable: true, description: "added: the request's supportCount after a SUPPORT_CHANGED or PLAN_VOTED" })
  @Column('int', { name: 'support_count', nullable: true })
  supportCount!: number | null;
}
