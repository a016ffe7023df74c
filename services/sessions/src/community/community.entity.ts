import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@Directive('@key(fields: "id")')
@ObjectType({ description: '社区' })
@Entity({ name: 'community' })
export class Community {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Field({ description: 'e.g. 方井社区' })
  @Column('text')
  name!: string;

  @Field({ description: 'the town or street it belongs to, e.g. 三里河街道' })
  @Column('text')
  subdistrict!: string;

  @Column('timestamptz', { name: 'created_at', default: () => 'now()' })
  createdAt!: Date;
}
