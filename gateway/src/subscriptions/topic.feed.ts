import type { Logger } from 'pino';
import { traceEventReceived } from '../tracing';
import type { PubSub, TopicMap, TopicName, Unsubscribe } from '@plaza/shared';
import type { LogReplayer } from './log.replayer';

export type { Replay } from './log.replayer';

/**
 * One bus subscription per topic per gateway process, however many subscribers. It drops
 * re-published events (at-least-once upstream: seq <= last seen), and when the bus lost its
 * connection it fills the gap from the durable log before passing live events on again.
 */
export class TopicFeed<K extends TopicName> {
  private readonly listeners = new Set<(event: TopicMap[K]) => void>();
  private lastSeq = 0;
  private lastCursor: string | null = null;
  private held: TopicMap[K][] | null = null;
  private unsubscribe: Unsubscribe | null = null;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly topic: K,
    private readonly pubsub: PubSub,
    private readonly replayer: LogReplayer,
    private readonly onReceive: () => void,
    private readonly log?: Logger,
  ) {}

  /** Every event of the topic, once, in seq order, until the returned function is called. */
  listen(listener: (event: TopicMap[K]) => void): () => void {
    this.listeners.add(listener);
    return () => void this.listeners.delete(listener);
  }

  /** Resolves once the bus subscription is active. */
  start(): Promise<void> {
    this.starting ??= this.pubsub
      .subscribe(this.topic, (e) => this.receive(e), { onReconnect: () => void this.catchUp() })
      .then((un) => {
        this.unsubscribe = un;
      });
    return this.starting;
  }

  private receive(event: TopicMap[K]) {
    this.onReceive();
    if (this.held) this.held.push(event);
    else this.dispatch(event);
  }

  private dispatch(event: TopicMap[K]) {
    if (event.seq <= this.lastSeq) return;
    this.lastSeq = event.seq;
    this.lastCursor = event.cursor;
    traceEventReceived(this.topic, event, () => this.toListeners(event));
  }

  private toListeners(event: TopicMap[K]) {
    // One loop for every group of this gateway: a listener that throws is logged and skipped,
    // never allowed to stop the event reaching the groups after it.
    for (const l of this.listeners) {
      try {
        l(event);
      } catch (e) {
        this.log?.error({ err: e, topic: this.topic, seq: event.seq }, 'a subscription listener failed; the others go on');
      }
    }
  }

  /** After a reconnect: replay what was published while we were away, then release held events. */
  async catchUp(): Promise<void> {
    if (this.held || !this.lastCursor) return;
    this.held = [];
    try {
      for await (const e of this.replayer.events(this.topic, this.lastCursor)) this.dispatch(e);
    } catch (e) {
      this.log?.error({ err: e, topic: this.topic }, 'catch-up replay after reconnect failed');
    } finally {
      const held = this.held ?? [];
      this.held = null;
      held.sort((a, b) => a.seq - b.seq).forEach((e) => this.dispatch(e));
    }
  }

  async close(): Promise<void> {
    this.listeners.clear();
    await this.starting?.catch(() => undefined);
    await this.unsubscribe?.();
  }
}
