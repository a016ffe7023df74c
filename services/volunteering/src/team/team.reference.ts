import type { VolunteeringContext } from '../context';

export const teamReferences = {
  VolunteerTeam: { __resolveReference: (ref: { id: string }, ctx: VolunteeringContext) => ctx.loaders.team.load(ref.id) },
};
