import type { IssuesContext } from '../context';
import type { Overview } from './overview.entity';
import type { OverviewKey } from '@plaza/shared';

export const overviewReferences = {
  Overview: {
    // The key is echoed as sent, so the gateway merges these fields with the other subgraphs'.
    __resolveReference: async (ref: OverviewKey, ctx: IssuesContext): Promise<Overview> => ({
      ...(await ctx.loaders.overview.load(ref)),
      scope: ref.scope,
      from: ref.from,
      to: ref.to,
    }),
  },
};
