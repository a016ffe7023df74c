import type { Logger } from 'pino';
import { captureContext, type Viewer } from '@plaza/shared';
import { traceDelivery, traceHydration } from '../tracing';
import { corked } from './socket.outlet';
import { SharedResult, type Member } from './subscription.member';
import type { HydrateExecute, SubscriptionPlan } from './subscription.plan';
import type { FollowIndex } from './follow.index';

/**
 * Rendered events a group keeps, so subscribers resuming together hydrate an event once: at most
 * 128, and at most 1 MB of them (at ~300 KB an event, 128 would be 38 MB per group, and one
 * client may open 100 groups).
 */
const CACHE_SIZE = 128;
const CACHE_BYTES = 1024 * 1024;

type Event = Record<string, unknown> & { seq: number; cursor: string };

interface Outgoing {
  event: Event;
  settled: boolean;
  /** Once settled: what every recipient gets, or null (render failed or nobody follows). */
  result: SharedResult | null;
  /** myIssueEvents: the members following the event's request; null: every member. */
  to: Member[] | null;
  /** The trace the event was received in: its delivery span joins it, whenever it is handed out. */
  trace: ReturnType<typeof captureContext>;
}

/**
 * Subscribers with the same operation shape, arguments and authorization scope. Each event is
 * filtered once, hydrated once and serialised once for all of them; renders run concurrently
 * but are handed out in event order.
 */
export class SubscriptionGroup {
  readonly members = new Set<Member>();
  /** myIssueEvents: members by the resident they deliver to (one resident may have several). */
  private readonly byFollower = new Map<string, Set<Member>>();
  /** Events accepted and not yet handed out, in seq order; each settles when its render does. */
  private readonly outbox: Outgoing[] = [];
  private flushing: NodeJS.Immediate | null = null;
  private readonly cache = new Map<number, { result: Promise<SharedResult>; bytes: number }>();
  private cached = 0;

  constructor(
    readonly key: string,
    readonly plan: SubscriptionPlan,
    /** The identity hydrations run as; any member's viewer stands for the whole scope. */
    private readonly viewer: Viewer,
    private readonly execute: HydrateExecute,
    private readonly log?: Logger,
    /** For a per-follower field (myIssueEvents): who follows what. */
    private readonly follows?: FollowIndex,
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
    const out: Outgoing = { event, settled: false, result: null, to: null, trace: captureContext() };
    this.outbox.push(out);
    const rendered = this.follows ? this.renderForFollowers(event, this.follows, out) : this.render(event);
    rendered.then(
      (r) => this.settle(out, r),
      (e) => {
        this.log?.error({ err: e, group: this.key, seq: event.seq }, 'subscription render failed; event skipped for this group');
        this.settle(out, null);
      },
    );
  }

  /**
   * myIssueEvents: the members following the event's request get it, hydrated once for all of
   * them (none following: not hydrated at all). Found from the request's followers, not by asking
   * every member; a read of a member's follows still in flight is waited for, in order.
   */
  private async renderForFollowers(event: Event, follows: FollowIndex, out: Outgoing): Promise<SharedResult | null> {
    const issueId = event.issueId as string;
    const recipients = () => {
      const ids = follows.followersOf(issueId);
      const to: Member[] = [];
      if (!ids) return to;
      if (ids.size <= this.byFollower.size) {
        for (const id of ids) for (const m of this.byFollower.get(id) ?? []) to.push(m);
      } else {
        for (const [id, ms] of this.byFollower) if (ids.has(id)) to.push(...ms);
      }
      return to;
    };
    const ready = follows.ready((id) => this.byFollower.has(id));
    if (ready) await ready;
    const to = recipients();
    out.to = to;
    return to.length ? this.render(event) : null;
  }

  /**
   * An event's render finished (null: skipped). Results go out in event order: at once when no
   * other render is in flight, else after the current I/O, so the events whose renders finish
   * meanwhile go out together, each socket's frames in one write (see `corked`). A fan-out that
   * falls behind — 10,000 sockets take longer than the gap between events, and events pile up
   * behind it — so gets cheaper per event instead of paying a system call per subscriber per
   * event and falling further behind.
   */
  private settle(out: Outgoing, result: SharedResult | null) {
    out.settled = true;
    out.result = result;
    if (!this.outbox[0]?.settled) return;
    if (this.outbox.every((o) => o.settled)) this.flush();
    else this.flushing ??= setImmediate(() => this.flush());
  }

  private flush() {
    if (this.flushing) clearImmediate(this.flushing);
    this.flushing = null;
    let n = 0;
    while (n < this.outbox.length && this.outbox[n]!.settled) n++;
    const ready = this.outbox.splice(0, n);
    try {
      if (ready.length > 1 && !this.follows) {
        const rendered = ready.filter((o) => o.result);
        // Nothing rendered (every render failed): no member to walk.
        if (rendered.length) this.deliverTogether(rendered);
      } else if (ready.length > 1) corked(() => this.deliver(ready));
      else this.deliver(ready);
    } catch (e) {
      // Members' failures stay with them (deliver); this is the tracing or the socket layer.
      this.log?.error({ err: e, group: this.key }, 'handing out events failed; the group goes on');
    }
  }

  private deliver(ready: Outgoing[]) {
    for (const { event, result, to, trace } of ready) {
      if (result) traceDelivery(event.seq, to ? to.length : this.members.size, () => this.handOut(event, result, to), trace);
    }
  }

  /**
   * Several events for every member: member by member, each socket's frames corked into one
   * write that leaves as soon as that member is done — the first sockets are written while the
   * last are still being framed, so the readers work alongside, not after the whole batch. Each
   * event's delivery span (in its own trace) covers the batch.
   */
  private deliverTogether(ready: Outgoing[], traced = 0): void {
    const o = ready[traced];
    if (o) return traceDelivery(o.event.seq, this.members.size, () => this.deliverTogether(ready, traced + 1), o.trace);
    for (const m of this.members) {
      corked(() => {
        for (const { event, result } of ready) {
          try {
            m.live(event.seq, event.cursor, result!);
          } catch (e) {
            this.log?.error({ err: e, group: this.key, seq: event.seq }, 'subscription delivery failed; ending that subscriber');
            endQuietly(m, this.log);
            return;
          }
        }
      });
    }
  }

  private handOut(event: Event, result: SharedResult, to: Member[] | null) {
    for (const m of to ?? this.members) {
      if (to && !this.members.has(m)) continue;
      try {
        m.live(event.seq, event.cursor, result);
      } catch (e) {
        this.log?.error({ err: e, group: this.key, seq: event.seq }, 'subscription delivery failed; ending that subscriber');
        endQuietly(m, this.log);
      }
    }
  }

  /** A member joins; a follower (myIssueEvents) is also found by who they are. */
  add(m: Member) {
    this.members.add(m);
    if (!m.follower) return;
    let ms = this.byFollower.get(m.follower);
    if (!ms) this.byFollower.set(m.follower, (ms = new Set()));
    ms.add(m);
  }

  remove(m: Member) {
    this.members.delete(m);
    const ms = m.follower ? this.byFollower.get(m.follower) : undefined;
    if (ms?.delete(m) && !ms.size) this.byFollower.delete(m.follower!);
  }

  /** Ends every member with an internal error (they may resubscribe). */
  private fail(message: string) {
    for (const m of [...this.members]) endQuietly(m, this.log, message);
  }

  /** The event rendered for this group (from the cache when it was rendered lately). */
  render(event: Event): Promise<SharedResult> {
    const hit = this.cache.get(event.seq);
    if (hit) return hit.result;
    const since = performance.now();
    // Async from the start: a synchronous throw in render becomes this group's rejection.
    const result = Promise.resolve()
      .then(() => traceHydration(event.seq, this.members.size, () => this.plan.render(event, this.execute, this.viewer)))
      .then((x) => new SharedResult(x.json, since));
    const seq = event.seq;
    const entry = { result, bytes: 0 };
    this.cache.set(seq, entry);
    result.then(
      (r) => {
        if (this.cache.get(seq) !== entry) return;
        entry.bytes = r.bytes;
        this.cached += r.bytes;
        this.trim();
      },
      // A failed render is not kept: a later replay of this event tries again.
      () => void (this.cache.get(seq) === entry && this.cache.delete(seq)),
    );
    this.trim();
    return result;
  }

  /** Bytes of rendered events this group keeps. */
  get cachedBytes() {
    return this.cached;
  }

  private trim() {
    for (const [seq, e] of this.cache) {
      if (this.cache.size <= CACHE_SIZE && this.cached <= CACHE_BYTES) return;
      this.cache.delete(seq);
      this.cached -= e.bytes;
    }
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
