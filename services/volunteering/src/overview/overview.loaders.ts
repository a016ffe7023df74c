import DataLoader from 'dataloader';
import type { DataSource } from 'typeorm';
import type { OverviewFigures } from './overview.entity';
import { overviewCacheKey, parseOverviewKey, type OverviewKey } from '@plaza/shared';
import { OverviewService } from './overview.service';

/**
 * Overviews of one request, batched by `scope|from|to`: all valid keys cost one statement. A bad
 * key fails alone, so one malformed representation does not blank its neighbours.
 */
export function overviewLoaders(ds: DataSource) {
  const service = new OverviewService(ds);
  return {
    overview: new DataLoader<OverviewKey, OverviewFigures, string>(
      async (refs) => {
        const parsed = refs.map((r) => {
          try {
            return parseOverviewKey(r);
          } catch (e) {
            return e as Error;
          }
        });
        const valid = parsed.filter((p): p is OverviewKey => !(p instanceof Error));
        const figures = await service.figures(valid);
        let next = 0;
        return parsed.map((p) => (p instanceof Error ? p : figures[next++]!));
      },
      { cacheKeyFn: overviewCacheKey },
    ),
  };
}
