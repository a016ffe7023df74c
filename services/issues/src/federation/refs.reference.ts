import type { IssuesContext } from '../context';

/** The owning subgraph vouches for these ids; here a reference is just its key (and @requires fields). */
export const stubReferences = {
  Community: { __resolveReference: (r: { id: string }) => ({ id: r.id }) },
  Session: { __resolveReference: (r: { id: string }) => ({ id: r.id }) },
  TopicProposal: { __resolveReference: (r: { id: string; category?: string; community?: { id: string } }) => r },
  Issue: { __resolveReference: (r: { id: string }, ctx: IssuesContext) => ctx.loaders.issue.load(r.id) },
};
