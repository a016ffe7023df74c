import { Directive, Field, ID, ObjectType } from 'type-graphql';

/*
 * Entities other subgraphs own. This subgraph knows only their key and adds its own fields to
 * them (Community.volunteerTeams, Issue.assistingTeams, Session.activities); the gateway fetches
 * everything else from the owner.
 */

@Directive('@key(fields: "id")')
@ObjectType('Community')
export class CommunityRef {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "id")')
@ObjectType('Issue')
export class IssueRef {
  @Field(() => ID)
  id!: string;
}

@Directive('@key(fields: "id")')
@ObjectType('Session')
export class SessionRef {
  @Field(() => ID)
  id!: string;
}

/** The stub the gateway completes from the owning subgraph. */
export const ref = (id: string) => ({ id });
export const optionalRef = (id: string | null) => (id ? { id } : null);
