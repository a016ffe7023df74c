import { lazyLoaderSet, type SubgraphContext } from '@plaza/shared';
import type { DataSource } from 'typeorm';
import type { SessionsDirectory } from './federation/sessions.directory';
import { IssueEventService } from './issue-event/issue-event.service';
import { issueLoaders } from './issue/issue.loaders';
import { IssueService, type Clock } from './issue/issue.service';
import { LoopService } from './loop/loop.service';
import { VotesService } from './votes/votes.service';
import { AnalyticsService } from './analytics/analytics.service';
import { overviewLoaders } from './overview/overview.loaders';
import { OverviewService } from './overview/overview.service';
import { FollowService } from './follow/follow.service';
import { LeagueService } from './league/league.service';

/** Long-lived, one per process. */
export function createServices(ds: DataSource, directory: SessionsDirectory, clock: Clock, read: DataSource = ds) {
  const issue = new IssueService(ds, directory, clock);
  return {
    issue,
    loop: new LoopService(ds, clock),
    votes: new VotesService(ds),
    events: new IssueEventService(ds),
    // Analytics read the replica when there is one: minutes-old figures are fine for them.
    overview: new OverviewService(read, clock),
    analytics: new AnalyticsService(read, clock),
    league: new LeagueService(read, clock),
    follow: new FollowService(ds),
  };
}

export type IssuesServices = ReturnType<typeof createServices>;

/** One DataLoader set per request (they hold the viewer), so batching never leaks data across viewers. */
export function createLoaders(ds: DataSource, services: IssuesServices, viewer: SubgraphContext['viewer']) {
  return loaderSet(ds, services, viewer);
}

const loaderSet = lazyLoaderSet(
  (ds: DataSource, services: IssuesServices, viewer: SubgraphContext['viewer']) => issueLoaders(ds, services, viewer),
  (_ds: DataSource, services: IssuesServices) => overviewLoaders(services.overview),
);

export type IssuesLoaders = ReturnType<typeof createLoaders>;

export interface IssuesContext extends SubgraphContext {
  loaders: IssuesLoaders;
  services: IssuesServices;
  /** Called before every root mutation field (freshLoadersPerMutation), not by the mutations themselves. */
  resetLoaders(): void;
}
