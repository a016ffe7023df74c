import { batchByArgs, byIdLoader, emptyPage, partitionedKeysetPage, rowsByKeys, type Keyset } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { TopicProposal } from './topic.entity';
import type { TopicStatus } from './topic.enums';

/** Newest first. */
export const topicKeyset: Keyset<TopicProposal> = {
  columns: ['t.proposed_at', 't.id'],
  direction: 'DESC',
  valuesOf: (t) => [t.proposedAt.toISOString(), t.id],
  casts: ['timestamptz', 'uuid'],
};

export interface TopicPageArgs {
  status?: TopicStatus | null;
  first?: number | null;
  after?: string | null;
}

export function topicLoaders(ds: DataSource) {
  return {
    topic: byIdLoader(rowsByKeys(ds, TopicProposal)),
    topicsByCommunity: batchByArgs(
      (communityIds: string[], args: TopicPageArgs) => {
        const qb = ds.getRepository(TopicProposal).createQueryBuilder('t');
        if (args.status) qb.where('t.status = :status', { status: args.status });
        return partitionedKeysetPage(qb, 't.community_id', (t) => t.communityId, communityIds, topicKeyset, args);
      },
      emptyPage<TopicProposal>,
    ),
  };
}
