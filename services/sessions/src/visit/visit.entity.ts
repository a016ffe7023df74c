import { Field, ID, Int, ObjectType } from 'type-graphql';
import { Column, Entity, PrimaryGeneratedColumn } from 'typeorm';

@ObjectType({ description: '一线走访: cadres visit households before a session to hear opinions' })
@Entity({ name: 'visit' })
export class Visit {
  @Field(() => ID)
  @PrimaryGeneratedColumn('uuid')
  id!: string;

  @Column('uuid', { name: 'community_id' })
  communityId!: string;

  @Column('uuid', { name: 'grid_id', nullable: true })
  gridId!: string | null;

  @Field()
  @Column('timestamptz', { name: 'visited_at' })
  visitedAt!: Date;

  @Field()
  @Column('text')
  visitor!: string;

  @Field(() => Int)
  @Column('int', { name: 'households_visited' })
  householdsVisited!: number;

  @Field(() => [String])
  @Column('text', { array: true })
  opinions!: string[];

  /** The viewer who recorded it; not part of the public type. */
  @Column('text', { name: 'recorded_by', nullable: true })
  recordedBy!: string | null;
}
