import type { SessionsContext } from '../context';
import { checkKey } from './overview.service';
import type { OverviewKey } from './overview.entity';

export const overviewReferences = {
  Overview: {
    // async, so a malformed key becomes this item's error rather than one for the whole _entities list.
    __resolveReference: async (ref: OverviewKey, ctx: SessionsContext) => ctx.loaders.overview.load(checkKey(ref)),
  },
};
