import { parseInput, text } from '@plaza/shared';
import { Field, ID, InputType } from 'type-graphql';
import { z } from 'zod';
import { TeamKind } from './team-kind.enum';

@InputType()
export class CreateTeamInput {
  @Field(() => ID)
  communityId!: string;

  @Field()
  name!: string;

  @Field(() => TeamKind)
  kind!: TeamKind;

  @Field()
  leader!: string;
}

@InputType()
export class AddVolunteerInput {
  @Field()
  name!: string;

  @Field()
  isPartyMember!: boolean;
}

const createTeamSchema = z.object({ communityId: z.string(), name: text(50), kind: z.nativeEnum(TeamKind), leader: text(50) });
export const parseCreateTeam = (input: CreateTeamInput) => parseInput(createTeamSchema, input);

const addVolunteerSchema = z.object({ name: text(50), isPartyMember: z.boolean() });
export const parseAddVolunteer = (input: AddVolunteerInput) => parseInput(addVolunteerSchema, input);
