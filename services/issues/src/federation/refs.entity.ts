import { IssueCategory } from '@plaza/shared';
import { Directive, Field, ID, ObjectType } from 'type-graphql';

/*
 * Entities the sessions subgraph owns. This subgraph knows only their keys (and, for
 * TopicProposal, the fields it @requires) and adds its own fields to them.
 */

@Directive('@key(fields: "id")')
@ObjectType('Community')
export class CommunityRef {
  @Field(() => ID)
  id!: string;
}

// Nothing is added to Grid here: a reference the gateway resolves in the sessions subgraph.
@Directive('@key(fields: "id", resolvable: false)')
@ObjectType('Grid')
export class GridRef {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "id")')
@ObjectType('Session')
export class SessionRef {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "id")')
@ObjectType('TopicProposal')
export class TopicProposalRef {
  @Field(() => ID)
  id!: string;

  @Directive('@external')
  @Field(() => IssueCategory)
  category!: IssueCategory;

  @Directive('@external')
  @Field(() => CommunityRef)
  community!: CommunityRef;
}

export const ref = (id: string | null | undefined) => (id ? { id } : null);
