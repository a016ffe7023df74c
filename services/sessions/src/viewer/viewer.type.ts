import { Field, ID, ObjectType } from 'type-graphql';

@ObjectType('Viewer', { description: 'The caller, as the verified token says' })
export class ViewerType {
  @Field(() => ID, { nullable: true })
  id!: string | null;

  @Field(() => [String])
  roles!: string[];

  @Field(() => [ID])
  communityIds!: string[];
}
