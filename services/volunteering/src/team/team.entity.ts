import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';
import { TeamKind } from './team-kind.enum';

@Directive('@key(fields: "id")')
@ObjectType({ description: '志愿服务队' })
@Entity({ name: 'volunteer_team' })
export class VolunteerTeam {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field()
  @Column('text')
  name!: string;

  @Field(() => TeamKind)
  @Column({ type: 'enum', enum: TeamKind, enumName: 'team_kind' })
  kind!: TeamKind;

  @Field()
  @Column('text')
  leader!: string;

  @Column('uuid', { name: 'community_id' })
  communityId!: string;

  /** Copied from the sessions subgraph when the team is created. */
  @Column('text')
  subdistrict!: string;

  @Column('timestamptz', { name: 'created_at', default: () => "date_trunc('milliseconds', now())" })
  createdAt!: Date;
}
