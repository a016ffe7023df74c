import { lazyLoaderSet, type SubgraphContext } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import { communityLoaders } from './community/community.loaders';
import { CommunityService } from './community/community.service';
import { SessionEventService } from './session-event/session-event.service';
import { overviewLoaders } from './overview/overview.loaders';
import { OverviewService } from './overview/overview.service';
import { sessionLoaders } from './session/session.loaders';
import { SessionService } from './session/session.service';
import { topicLoaders } from './topic/topic.loaders';
import { TopicService } from './topic/topic.service';
import { visitLoaders } from './visit/visit.loaders';
import { VisitService } from './visit/visit.service';

/** Long-lived, one per process. */
export function createServices(ds: DataSource, read: DataSource = ds) {
  const community = new CommunityService(ds);
  return {
    community,
    visit: new VisitService(ds, community),
    topic: new TopicService(ds, community),
    session: new SessionService(ds, community),
    overview: new OverviewService(read), // the replica when there is one
    events: new SessionEventService(ds),
  };
}

const loaderSet = lazyLoaderSet(
  (ds: DataSource) => communityLoaders(ds),
  (ds: DataSource) => visitLoaders(ds),
  (ds: DataSource) => topicLoaders(ds),
  (ds: DataSource) => sessionLoaders(ds),
  (_ds: DataSource, read: DataSource) => overviewLoaders(read),
);

/** One DataLoader set per request, so batching never leaks data across viewers; each group built on first use. */
export function createLoaders(ds: DataSource, read: DataSource = ds) {
  return loaderSet(ds, read);
}

export type SessionsServices = ReturnType<typeof createServices>;
export type SessionsLoaders = ReturnType<typeof createLoaders>;

export interface SessionsContext extends SubgraphContext {
  loaders: SessionsLoaders;
  services: SessionsServices;
}
