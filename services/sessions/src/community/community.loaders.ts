import { byIdLoader, groupLoader } from '@plaza/shared';
import { In, type DataSource } from 'typeorm';
import { Community } from './community.entity';
import { Grid } from './grid.entity';

export function communityLoaders(ds: DataSource) {
  return {
    community: byIdLoader((ids) => ds.getRepository(Community).findBy({ id: In(ids) })),
    grid: byIdLoader((ids) => ds.getRepository(Grid).findBy({ id: In(ids) })),
    gridsByCommunity: groupLoader(
      (ids) => ds.getRepository(Grid).find({ where: { communityId: In(ids) }, order: { name: 'ASC' } }),
      (g) => g.communityId,
    ),
  };
}
