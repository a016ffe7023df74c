import { batchByArgs, emptyPage, partitionedKeysetPage } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { PageArgs } from '../team/team.loaders';
import { CadreCheckIn } from './cadre-check-in.entity';
import { checkInKeyset } from './cadre.service';

export function cadreLoaders(ds: DataSource) {
  return {
    checkInsByCommunity: batchByArgs(
      (communityIds: string[], args: PageArgs) =>
        partitionedKeysetPage(ds.getRepository(CadreCheckIn).createQueryBuilder('c'), 'c.community_id', (c) => c.communityId, communityIds, checkInKeyset, args),
      () => emptyPage<CadreCheckIn>(),
    ),
  };
}
