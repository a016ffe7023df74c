import { lazyLoaderSet, type SubgraphContext } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { activityLoaders } from './activity/activity.loaders';
import { ActivityService } from './activity/activity.service';
import { cadreLoaders } from './cadre/cadre.loaders';
import { CadreService } from './cadre/cadre.service';
import type { ForeignDirectory } from './federation/subgraphs.directory';
import { overviewLoaders } from './overview/overview.loaders';
import { teamLoaders } from './team/team.loaders';
import { TeamService } from './team/team.service';

/** Long-lived, one per process. */
export function createServices(ds: DataSource, directory: ForeignDirectory) {
  const team = new TeamService(ds, directory);
  return {
    team,
    activity: new ActivityService(ds, team, directory),
    cadre: new CadreService(ds, directory),
  };
}

const loaderSet = lazyLoaderSet(
  (ds: DataSource) => teamLoaders(ds),
  (ds: DataSource) => activityLoaders(ds),
  (ds: DataSource) => cadreLoaders(ds),
  (_ds: DataSource, read: DataSource) => overviewLoaders(read), // the replica when there is one
);

/** One DataLoader set per request, so batching never leaks data across viewers; each group built on first use. */
export function createLoaders(ds: DataSource, read: DataSource = ds) {
  return loaderSet(ds, read);
}

export type VolunteeringServices = ReturnType<typeof createServices>;
export type VolunteeringLoaders = ReturnType<typeof createLoaders>;

export interface VolunteeringContext extends SubgraphContext {
  loaders: VolunteeringLoaders;
  services: VolunteeringServices;
}
