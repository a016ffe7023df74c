import { byIdLoader, groupLoader, rowsByKeys } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { Community } from './community.entity';
import { Grid } from './grid.entity';

export function communityLoaders(ds: DataSource) {
  return {
    community: byIdLoader(rowsByKeys(ds, Community)),
    grid: byIdLoader(rowsByKeys(ds, Grid)),
    gridsByCommunity: groupLoader(rowsByKeys(ds, Grid, { key: 'communityId', order: [['name', 'ASC']] }), (g) => g.communityId),
  };
}
