import { Directive, Field, ID, ObjectType } from 'type-graphql';

// Shared with the issues subgraph, which adds `following` and resolves `me` from the same identity.
@Directive('@shareable')
@ObjectType('Viewer', { description: 'The caller, as the verified token says' })
export class ViewerType {
  @Field(() => ID, { nullable: true })
  id!: string | null;

  @Field(() => [String])
  roles!: string[];

  @Field(() => [ID])
  communityIds!: string[];
}
