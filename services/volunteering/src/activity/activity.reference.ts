import type { VolunteeringContext } from '../context';

export const activityReferences = {
  Activity: { __resolveReference: (ref: { id: string }, ctx: VolunteeringContext) => ctx.loaders.activity.load(ref.id) },
};
