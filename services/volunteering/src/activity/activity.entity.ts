import { Directive, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Directive('@key(fields: "id")')
@ObjectType({ description: '志愿服务活动' })
@Entity({ name: 'activity' })
export class Activity {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id' })
  teamId!: string;

  /** Always the team's community, copied so lists by community or subdistrict need no join. */
  @Column('uuid', { name: 'community_id' })
  communityId!: string;

  @Column('text')
  subdistrict!: string;

  @Field()
  @Column('text')
  title!: string;

  @Field()
  @Column('timestamptz', { name: 'held_at' })
  heldAt!: Date;

  @Field(() => Int, { description: '受益人次' })
  @Column('integer')
  beneficiaries!: number;

  @Field(() => Float)
  @Column('double precision', { name: 'volunteer_hours' })
  volunteerHours!: number;

  @Column('uuid', { name: 'session_id', nullable: true })
  sessionId!: string | null;

  @Column('uuid', { name: 'issue_id', nullable: true })
  issueId!: string | null;

  @Column('timestamptz', { name: 'created_at', default: () => "date_trunc('milliseconds', now())" })
  createdAt!: Date;
}
