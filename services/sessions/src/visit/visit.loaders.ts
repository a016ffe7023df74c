import { batchByArgs, emptyPage, partitionedKeysetPage, type Keyset } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { Visit } from './visit.entity';

/** Newest first. */
export const visitKeyset: Keyset<Visit> = {
  columns: ['v.visited_at', 'v.id'],
  direction: 'DESC',
  valuesOf: (v) => [v.visitedAt.toISOString(), v.id],
  casts: ['timestamptz', 'uuid'],
};

export interface VisitPageArgs {
  first?: number | null;
  after?: string | null;
}

export function visitLoaders(ds: DataSource) {
  return {
    visitsByCommunity: batchByArgs(
      (communityIds: string[], args: VisitPageArgs) => partitionedKeysetPage(ds.getRepository(Visit).createQueryBuilder('v'), 'v.community_id', (v) => v.communityId, communityIds, visitKeyset, args),
      emptyPage<Visit>,
    ),
  };
}
