import type { Logger } from 'pino';
import { traceEventReceived } from '../tracing';
import { decodePayload, type PubSub, type TopicMap, type TopicName, type Unsubscribe } from '@plaza/shared';

export type Replay = <K extends TopicName>(topic: K, afterCursor: string, limit: number) => Promise<TopicMap[K][]>;

/**
 * One bus subscription per topic per gateway process, however many subscribers. It drops
 * re-published events (at-least-once upstream: seq <= last seen), and when the bus lost its
 * connection it fills the gap from the durable log before passing live events on again.
 */
export class TopicFeed<K extends TopicName> {
  readonly listeners = new Set<(event: TopicMap[K]) => void>();
  private lastSeq = 0;
  private lastCursor: string | null = null;
  private held: TopicMap[K][] | null = null;
  private unsubscribe: Unsubscribe | null = null;
  private starting: Promise<void> | null = null;

  constructor(
    private readonly topic: K,
    private readonly pubsub: PubSub,
    private readonly replay: Replay,
    private readonly onReceive: () => void,
    private readonly pageSize: number,
    private readonly log?: Logger,
  ) {}

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
      let cursor = this.lastCursor;
      for (;;) {
        const page = await this.replay(this.topic, cursor, this.pageSize);
        for (const e of page) this.dispatch(decodePayload(this.topic, e));
        if (page.length < this.pageSize) break;
        cursor = page[page.length - 1]!.cursor;
      }
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
