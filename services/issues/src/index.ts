import 'reflect-metadata';
import { createLogger, startTracing, createServiceMetrics, DEFAULT_DATABASE_URL, loadEnvOrExit, migrate, observeService, type PubSub, startEventRelay, runMain, sweepMetrics } from '@plaza/shared';
import { createIssuesDataSource, SCHEMA } from './data-source';
import { issuesEnvSchema } from './env';
import { followEventPayload, issueEventPayload } from './events/issue-event.payload';
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

/** Starts the service as its own process (also used by the one-process embedded start). */
/** deps.pubsub: the in-process bus of the one-process start; without it REDIS_URL (if set) is used. */
export async function main(env = loadEnvOrExit(issuesEnvSchema), deps: { pubsub?: PubSub } = {}) {
  // First: servers built after this carry the request spans (nothing is loaded when no endpoint is set).
  const tracing = startTracing('issues', env);
  const log = createLogger('issues', env.LOG_LEVEL);
  const dataSource = createIssuesDataSource(env.DATABASE_URL ?? DEFAULT_DATABASE_URL);
  await dataSource.initialize();
  await migrate(dataSource, SCHEMA);
  // Analytics reads from a streaming replica when DATABASE_READ_URL names one (never migrated: it follows the primary).
  const readDataSource = env.DATABASE_READ_URL ? await createIssuesDataSource(env.DATABASE_READ_URL).initialize() : undefined;
  // Live updates: committed issue events (and follow changes) go to the bus (none configured: no relay).
  const relay = startEventRelay({
    schema: 'issues', table: 'issue_event', topic: 'issueEvents', toPayload: issueEventPayload,
    // Follows in the same order as the events (myIssueEvents routing on every gateway).
    alongside: { table: 'follow_event', topic: 'followEvents', toPayload: followEventPayload },
    dataSource, databaseUrl: env.DATABASE_URL ?? DEFAULT_DATABASE_URL, pubsub: deps.pubsub, redisUrl: env.REDIS_URL, redisClusterNodes: env.REDIS_CLUSTER_NODES, channelPrefix: env.PLAZA_CHANNEL_PREFIX, log,
  });
  const metrics = createServiceMetrics({ service: 'issues', token: env.METRICS_TOKEN });
  observeService(metrics, { dataSource, relay, schema: 'issues', table: 'issue_event' });
  const app = await createServer({ dataSource, readDataSource, gatewaySecret: env.GATEWAY_SECRET, sessionsUrl: env.SESSIONS_URL, production: env.NODE_ENV === 'production', log, metrics });
  const port = await app.listen(env.PORT, env.HOST);
  const overdue = startOverdueJob({ dataSource, intervalMs: env.OVERDUE_SWEEP_MS, log, onRun: sweepMetrics(metrics, 'overdue') });
  const voteClose = startVoteCloseJob({ dataSource, intervalMs: env.VOTE_CLOSE_SWEEP_MS, log, onRun: sweepMetrics(metrics, 'vote-close') });
  log.info({ port }, `issues subgraph on http://${env.HOST}:${port}/graphql`);
  return {
    port,
    async close() {
      await overdue.stop();
      await voteClose.stop();
      await app.close();
      await relay?.stop();
      await dataSource.destroy();
      await readDataSource?.destroy();
      await tracing.shutdown(); // last: flushes the spans of the shutdown itself
    },
  };
}

if (require.main === module) runMain(() => main());
