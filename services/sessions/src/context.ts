import type { SubgraphContext } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { communityLoaders } from './community/community.loaders';
import { CommunityService } from './community/community.service';

/** Long-lived, one per process. */
export function createServices(ds: DataSource) {
  return {
    community: new CommunityService(ds),
  };
}

/** One DataLoader set per request, so batching never leaks data across viewers. */
export function createLoaders(ds: DataSource) {
  return {
    ...communityLoaders(ds),
  };
}

export type SessionsServices = ReturnType<typeof createServices>;
export type SessionsLoaders = ReturnType<typeof createLoaders>;

export interface SessionsContext extends SubgraphContext {
  loaders: SessionsLoaders;
  services: SessionsServices;
}
