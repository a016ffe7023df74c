import { Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: '在职党员干部到社区报到' })
@Entity({ name: 'cadre_check_in' })
export class CadreCheckIn {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'community_id' })
  communityId!: string;

  /** Copied from the sessions subgraph at check-in, for analytics by subdistrict. */
  @Column('text')
  subdistrict!: string;

  @Field()
  @Column('text', { name: 'cadre_name' })
  cadreName!: string;

  @Field()
  @Column('text', { name: 'work_unit' })
  workUnit!: string;

  @Field()
  @Column('timestamptz', { name: 'checked_in_at', default: () => "date_trunc('milliseconds', now())" })
  checkedInAt!: Date;

  @Field()
  @Column('boolean', { default: true })
  active!: boolean;
}
