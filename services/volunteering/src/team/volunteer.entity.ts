import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: '志愿者' })
@Entity({ name: 'volunteer' })
export class Volunteer {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'team_id' })
  teamId!: string;

  @Field()
  @Column('text')
  name!: string;

  @Field()
  @Column('boolean', { name: 'is_party_member' })
  isPartyMember!: boolean;

  @Field()
  @Column('timestamptz', { name: 'joined_at', default: () => "date_trunc('milliseconds', now())" })
  joinedAt!: Date;
}
