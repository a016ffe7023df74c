import type { SessionsContext } from '../context';

export const communityReferences = {
  Community: { __resolveReference: (ref: { id: string }, ctx: SessionsContext) => ctx.loaders.community.load(ref.id) },
  Grid: { __resolveReference: (ref: { id: string }, ctx: SessionsContext) => ctx.loaders.grid.load(ref.id) },
};
