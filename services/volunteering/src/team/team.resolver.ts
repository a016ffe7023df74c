import { connectionTypes } from '@plaza/shared';
import { Arg, Ctx, FieldResolver, ID, Int, Mutation, Query, Resolver, Root } from 'type-graphql';
import { ActivityConnection } from '../activity/activity.connection';
import type { VolunteeringContext } from '../context';
import { CommunityRef, IssueRef, ref } from '../federation/refs.entity';
import { AddVolunteerInput, CreateTeamInput } from './team.input';
import { TeamKind } from './team-kind.enum';
import { VolunteerTeam } from './team.entity';
import { Volunteer } from './volunteer.entity';

export const { Connection: VolunteerTeamConnection } = connectionTypes('VolunteerTeam', VolunteerTeam);
export const { Connection: VolunteerConnection } = connectionTypes('Volunteer', Volunteer);

@Resolver(() => VolunteerTeam)
export class TeamResolver {
  @Query(() => VolunteerTeam, { nullable: true })
  volunteerTeam(@Arg('id', () => ID) id: string, @Ctx() ctx: VolunteeringContext) {
    return ctx.loaders.team.load(id);
  }

  @Query(() => VolunteerTeamConnection)
  volunteerTeams(
    @Arg('communityId', () => ID, { nullable: true }) communityId: string | null,
    @Arg('kind', () => TeamKind, { nullable: true }) kind: TeamKind | null,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: VolunteeringContext,
  ) {
    return ctx.services.team.list({ communityId, kind }, { first, after });
  }

  @Mutation(() => VolunteerTeam, { description: 'STAFF of the community' })
  createTeam(@Arg('input') input: CreateTeamInput, @Ctx() ctx: VolunteeringContext) {
    return ctx.services.team.create(ctx.viewer, input);
  }

  @Mutation(() => Volunteer, { description: "STAFF of the team's community" })
  addVolunteer(@Arg('teamId', () => ID) teamId: string, @Arg('input') input: AddVolunteerInput, @Ctx() ctx: VolunteeringContext) {
    return ctx.services.team.addVolunteer(ctx.viewer, teamId, input);
  }

  @Mutation(() => VolunteerTeam, { description: "STAFF of the team's community; idempotent" })
  assignTeamToIssue(@Arg('teamId', () => ID) teamId: string, @Arg('issueId', () => ID) issueId: string, @Ctx() ctx: VolunteeringContext) {
    return ctx.services.team.assignToIssue(ctx.viewer, teamId, issueId);
  }

  @FieldResolver(() => CommunityRef)
  community(@Root() team: VolunteerTeam) {
    return ref(team.communityId);
  }

  @FieldResolver(() => Int)
  async memberCount(@Root() team: VolunteerTeam, @Ctx() ctx: VolunteeringContext) {
    return (await ctx.loaders.memberCount.load(team.id))?.n ?? 0;
  }

  @FieldResolver(() => VolunteerConnection)
  members(
    @Root() team: VolunteerTeam,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: VolunteeringContext,
  ) {
    return ctx.loaders.membersPage.load({ parentId: team.id, args: { first, after } });
  }

  @FieldResolver(() => ActivityConnection)
  activities(
    @Root() team: VolunteerTeam,
    @Arg('first', () => Int, { nullable: true, defaultValue: 20 }) first: number | null,
    @Arg('after', () => String, { nullable: true }) after: string | null,
    @Ctx() ctx: VolunteeringContext,
  ) {
    return ctx.loaders.activitiesByTeam.load({ parentId: team.id, args: { first, after } });
  }
}

@Resolver(() => Volunteer)
export class VolunteerResolver {
  @FieldResolver(() => VolunteerTeam)
  team(@Root() volunteer: Volunteer, @Ctx() ctx: VolunteeringContext) {
    return ctx.loaders.team.load(volunteer.teamId);
  }
}

@Resolver(() => CommunityRef)
export class CommunityTeamsResolver {
  @FieldResolver(() => [VolunteerTeam])
  volunteerTeams(@Root() community: CommunityRef, @Ctx() ctx: VolunteeringContext) {
    return ctx.loaders.teamsByCommunity.load(community.id);
  }
}

@Resolver(() => IssueRef)
export class IssueTeamsResolver {
  @FieldResolver(() => [VolunteerTeam])
  async assistingTeams(@Root() issue: IssueRef, @Ctx() ctx: VolunteeringContext) {
    const assignments = await ctx.loaders.assignmentsByIssue.load(issue.id);
    const teams = await ctx.loaders.team.loadMany(assignments.map((a) => a.teamId));
    return teams.filter((t): t is VolunteerTeam => t != null && !(t instanceof Error));
  }
}
