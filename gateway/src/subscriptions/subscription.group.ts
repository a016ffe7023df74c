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

  /**
   * A live event from the topic feed, in seq order. Called inside the feed's loop over every
   * group, so nothing here may throw: a failing filter ends this group's subscriptions, a failing
   * render drops the event for this group only, a failing member is ended alone — each logged.
   */
  offer(event: Event) {
    let wanted: boolean;
    try {
      wanted = this.plan.matches(event);
    } catch (e) {
      this.log?.error({ err: e, group: this.key, seq: event.seq }, 'subscription filter failed; ending its group');
      this.fail('订阅过滤失败 (the subscription filter failed)');
      return;
    }
    if (!wanted) return;
    const rendered = this.render(event);
    this.chain = this.chain.then(async () => {
      let r: SharedResult;
      try {
        r = await rendered;
      } catch (e) {
        this.log?.error({ err: e, group: this.key, seq: event.seq }, 'subscription render failed; event skipped for this group');
        return;
      }
      for (const m of this.members) {
        try {
          m.live(event.seq, event.cursor, r);
        } catch (e) {
          this.log?.error({ err: e, group: this.key, seq: event.seq }, 'subscription delivery failed; ending that subscriber');
          endQuietly(m, this.log);
        }
      }
    });
  }

  /** Ends every member with an internal error (they may resubscribe). */
  private fail(message: string) {
    for (const m of [...this.members]) endQuietly(m, this.log, message);
  }

  /** The event rendered for this group (from the cache when it was rendered lately). */
  render(event: Event): Promise<SharedResult> {
    let r = this.cache.get(event.seq);
    if (!r) {
      const since = performance.now();
      // Async from the start: a synchronous throw in render becomes this group's rejection.
      r = Promise.resolve()
        .then(() => this.plan.render(event, this.execute, this.viewer))
        .then((x) => new SharedResult(x.json, since));
      const seq = event.seq;
      // A failed render is not kept: a later replay of this event tries again.
      r.catch(() => this.cache.get(seq) === r && this.cache.delete(seq));
      this.cache.set(seq, r);
      if (this.cache.size > CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
    }
    return r;
  }
}

function endQuietly(m: Member, log: Logger | undefined, message = '订阅投递失败 (delivery to this subscription failed)') {
  try {
    m.end({ code: 'INTERNAL_SERVER_ERROR', message });
  } catch (e) {
    log?.error({ err: e }, 'ending a failed subscriber failed');
    void m.return();
  }
}
