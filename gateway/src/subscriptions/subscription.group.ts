import type { Logger } from 'pino';
import type { Viewer } from '@plaza/shared';
import { SharedResult, type Member } from './subscription.member';
import type { HydrateExecute, SubscriptionPlan } from './subscription.plan';

/** Rendered events a group keeps, so subscribers resuming together hydrate an event once. */
const CACHE_SIZE = 128;

type Event = Record<string, unknown> & { seq: number; cursor: string };

/**
 * Subscribers with the same operation shape, arguments and authorization scope. Each event is
 * filtered once, hydrated once and serialised once for all of them; renders run concurrently
 * but are handed out in event order.
 */
export class SubscriptionGroup {
  readonly members = new Set<Member>();
  private chain: Promise<void> = Promise.resolve();
  private readonly cache = new Map<number, Promise<SharedResult>>();
  /** Stops the feed's events reaching this group; set by whoever attached it. */
  detach: () => void = () => undefined;

  constructor(
    readonly key: string,
    readonly plan: SubscriptionPlan,
    /** The identity hydrations run as; any member's viewer stands for the whole scope. */
    private readonly viewer: Viewer,
    private readonly execute: HydrateExecute,
    private readonly log?: Logger,
  ) {}

  /** A live event from the topic feed, in seq order. */
  offer(event: Event) {
    if (!this.plan.matches(event)) return;
    const rendered = this.render(event);
    this.chain = this.chain
      .then(async () => {
        const r = await rendered;
        for (const m of this.members) m.live(event.seq, event.cursor, r);
      })
      .catch((e) => this.log?.error({ err: e, group: this.plan.fieldName }, 'subscription delivery failed'));
  }

  /** The event rendered for this group (from the cache when it was rendered lately). */
  render(event: Event): Promise<SharedResult> {
    let r = this.cache.get(event.seq);
    if (!r) {
      const since = performance.now();
      r = this.plan.render(event, this.execute, this.viewer).then((x) => new SharedResult(x.json, since));
      this.cache.set(event.seq, r);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    return r;
  }
}
