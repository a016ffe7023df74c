import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import { OverviewService } from './overview.service';
import type { Overview, OverviewKey } from './overview.entity';

/** `scope|from|to`; the two days are fixed-width, so a `|` inside a scope name stays unambiguous. */
export const overviewCacheKey = (k: OverviewKey) => `${k.scope}|${k.from}|${k.to}`;

export function overviewLoaders(ds: DataSource) {
  const service = new OverviewService(ds);
  return {
    /** Every Overview of one request (query or `_entities`) costs one aggregate statement. */
    overview: new DataLoader<OverviewKey, Overview, string>(
      async (keys) => {
        const figures = await service.figures(keys);
        return keys.map((k, i) => ({ scope: k.scope, from: k.from, to: k.to, ...figures[i]! }));
      },
      { cacheKeyFn: overviewCacheKey },
    ),
  };
}
