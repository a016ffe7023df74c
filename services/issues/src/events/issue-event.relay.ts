import { OutboxRelay, RedisPubSub, issueEventPayload, type Logger, type PubSub } from '@plaza/shared';
import type { DataSource, EntitySubscriberInterface } from 'typeorm';

export interface IssueEventRelayOptions {
  dataSource: DataSource;
  databaseUrl: string;
  /** The bus handed in (one-process start); else Redis when `redisUrl` is set; else no relay. */
  pubsub?: PubSub;
  redisUrl?: string;
  channelPrefix: string;
  log: Logger;
}

/**
 * Publishes committed `issues.issue_event` rows to the `issueEvents` topic (issue 4).
 * Returns null when there is no bus: mutations still write the log, nothing is published.
 */
export function startIssueEventRelay(o: IssueEventRelayOptions): { relay: OutboxRelay<'issueEvents'>; stop(): Promise<void> } | null {
  const ownBus = !o.pubsub && o.redisUrl ? new RedisPubSub({ url: o.redisUrl, prefix: o.channelPrefix, log: o.log }) : null;
  const pubsub = o.pubsub ?? ownBus;
  if (!pubsub) return null;
  const relay = new OutboxRelay({
    url: o.databaseUrl, schema: 'issues', table: 'issue_event', topic: 'issueEvents', toPayload: issueEventPayload, pubsub, log: o.log,
  }).start();
  // Publish right after a commit instead of at the next poll (low latency for live updates).
  const poke: EntitySubscriberInterface = { afterTransactionCommit: () => relay.poke() };
  o.dataSource.subscribers.push(poke);
  return {
    relay,
    async stop() {
      const i = o.dataSource.subscribers.indexOf(poke);
      if (i >= 0) o.dataSource.subscribers.splice(i, 1);
      await relay.stop();
      await ownBus?.close();
    },
  };
}
