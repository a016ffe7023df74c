import 'reflect-metadata';
import { createSubgraphMain, runMain, sweepMetrics } from '@plaza/shared';
import { createIssuesDataSource } from './data-source';
import { issuesEnvSchema } from './env';
import { followEventPayload, issueEventPayload } from './issue-event/issue-event.payload';
import { startOverdueJob } from './overdue/overdue.job';
import { createServer } from './server';
import { startVoteCloseJob } from './votes/vote-close.job';

export { createServer, type IssuesDeps } from './server';
export { createIssuesDataSource, SCHEMA } from './data-source';
export { buildIssuesSchema } from './schema';
export { seedDemo } from './seed/demo.seed';
export { seedTonight } from './seed/tonight.seed';
export { startOverdueJob, sweepOverdue, type OverdueJob, type OverdueJobOptions } from './overdue/overdue.job';
export { startVoteCloseJob, sweepDueVotes, type VoteCloseJob, type VoteCloseJobOptions } from './votes/vote-close.job';

/** Starts the service as its own process (also used by the one-process start and the test stack). */
export const main = createSubgraphMain({
  name: 'issues',
  envSchema: issuesEnvSchema,
  createDataSource: createIssuesDataSource,
  // Live updates: committed issue events go to the bus, follows in the same order as the events
  // (myIssueEvents routing on every gateway).
  relay: {
    table: 'issue_event',
    topic: 'issueEvents',
    toPayload: issueEventPayload,
    alongside: { table: 'follow_event', topic: 'followEvents', toPayload: followEventPayload },
  },
  createServer: ({ env, dataSource, readDataSource, log, metrics }) =>
    createServer({ dataSource, readDataSource, gatewaySecret: env.GATEWAY_SECRET, sessionsUrl: env.SESSIONS_URL, production: env.NODE_ENV === 'production', log, metrics }),
  jobs: ({ env, dataSource, log, metrics }) => [
    startOverdueJob({ dataSource, intervalMs: env.OVERDUE_SWEEP_MS, log, onRun: sweepMetrics(metrics, 'overdue') }),
    startVoteCloseJob({ dataSource, intervalMs: env.VOTE_CLOSE_SWEEP_MS, log, onRun: sweepMetrics(metrics, 'vote-close') }),
  ],
});

if (require.main === module) runMain(() => main());
