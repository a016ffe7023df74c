import DataLoader from 'dataloader';
import type { OverviewFigures } from './overview.entity';
import { overviewCacheKey, parseOverviewKey, type OverviewKey } from '@plaza/shared';
import type { OverviewService } from './overview.service';

/**
 * Overviews of one request, batched by `scope|from|to`: all valid keys cost one statement. A bad
 * key fails alone, so one malformed representation does not blank its neighbours.
 */
export function overviewLoaders(service: OverviewService) {
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
        const figures = await service.figures(parsed.filter((p): p is OverviewKey => !(p instanceof Error)));
        let next = 0;
        return parsed.map((p) => (p instanceof Error ? p : figures[next++]!));
      },
      { cacheKeyFn: overviewCacheKey },
    ),
  };
}
