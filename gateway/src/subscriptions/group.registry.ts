import type { Logger } from 'pino';
import type { PubSub, TopicName, Viewer } from '@plaza/shared';
import type { FollowIndex } from './follow.index';
import type { LogReplayer } from './log.replayer';
import type { SocketOutlet } from './socket.outlet';
import { SubscriptionGroup } from './subscription.group';
import { Member, type MemberLimits, type SharedResult } from './subscription.member';
import type { HydrateExecute, SubscriptionPlan } from './subscription.plan';
import { TopicFeed } from './topic.feed';

export interface GroupRegistryOptions {
  pubsub: PubSub;
  /** The durable log, for subscribers resuming with `after` and feeds catching up after a reconnect. */
  replayer: LogReplayer;
  /** Runs a group's hydrations (counted and timed by the caller). */
  execute: HydrateExecute;
  /** myIssueEvents: who follows which request. */
  follows: FollowIndex;
  limits: MemberLimits;
  /** A message arrived from the bus. */
  received: () => void;
  /** A result went to a socket. */
  delivered: (r: SharedResult) => void;
  /** A subscription was cut off with SUBSCRIPTION_OVERFLOW. */
  overflowed: () => void;
  log?: Logger;
}

export interface JoinRequest {
  plan: SubscriptionPlan;
  viewer: Viewer;
  outlet: SocketOutlet;
  /** The graphql-ws subscription id. */
  id: string;
  /** Resume after this event (`after`), already checked to be a cursor; else live only. */
  after: { seq: number; cursor: string } | null;
  /** Runs once when the subscriber ends, after it left its group. */
  left: (m: Member) => void;
}

/** The auth scope of a group: subscribers whose results could differ never share one. */
const scopeOf = (v: Viewer, viewerDependent: boolean) =>
  !v.id ? 'anonymous' : viewerDependent ? `viewer:${v.id}` : `roles:${[...v.roles].sort().join(',')}|communities:${[...v.communityIds].sort().join(',')}`;

/**
 * The live groups of this gateway and the topic feeds they listen to. A subscriber joins the
 * group of its plan and scope (made on first use, fed by its topic's one bus subscription); the
 * group is dropped and unhooked from its feed when its last member leaves.
 */
export class GroupRegistry {
  private readonly groups = new Map<string, { group: SubscriptionGroup; stop: () => void }>();
  private readonly feeds = new Map<TopicName, TopicFeed<TopicName>>();

  constructor(private readonly o: GroupRegistryOptions) {}

  /** Resolves once `topic`'s live events are captured: before any replay reads the log, so no gap. */
  ready(topic: TopicName): Promise<void> {
    let f = this.feeds.get(topic);
    if (!f) this.feeds.set(topic, (f = new TopicFeed(topic, this.o.pubsub, this.o.replayer, this.o.received, this.o.log)));
    return f.start();
  }

  /** A subscriber joins its group; call after `ready(plan.binding.topic)`. */
  join(r: JoinRequest): Member {
    // `left`, not `r`, in the closure: the request object is not kept for the subscription's life.
    const { plan, viewer, left } = r;
    const key = `${plan.groupKey}|${scopeOf(viewer, plan.viewerDependent)}`;
    const group = this.groups.get(key)?.group ?? this.open(key, plan, viewer);
    const follower = plan.binding.perFollower ? viewer.id! : null;
    const sink = { outlet: r.outlet, id: r.id, delivered: this.o.delivered, overflowed: this.o.overflowed, log: this.o.log, ended: (m: Member) => this.leave(m, group, viewer, left) };
    const m = new Member(sink, this.o.limits, r.after?.seq ?? null, r.after?.cursor ?? null, follower);
    if (follower) this.o.follows.acquire(viewer);
    group.add(m);
    if (r.after) void this.resume(m, group, r.after.cursor);
    return m;
  }

  private open(key: string, plan: SubscriptionPlan, viewer: Viewer): SubscriptionGroup {
    const feed = this.feeds.get(plan.binding.topic)!;
    const group = new SubscriptionGroup(key, plan, viewer, this.o.execute, this.o.log, plan.binding.perFollower ? this.o.follows : undefined);
    this.groups.set(key, { group, stop: feed.listen((e) => group.offer(e)) });
    return group;
  }

  private leave(m: Member, group: SubscriptionGroup, viewer: Viewer, left: (m: Member) => void) {
    if (m.follower) this.o.follows.release(viewer);
    group.remove(m);
    left(m);
    const entry = this.groups.get(group.key);
    if (!group.members.size && entry?.group === group) {
      this.groups.delete(group.key);
      entry.stop();
    }
  }

  /** `after`: the log from there through the group's filter, then live without gap or duplicate. */
  private async resume(member: Member, group: SubscriptionGroup, after: string) {
    const topic = group.plan.binding.topic;
    const { follows } = this.o;
    try {
      for await (const e of this.o.replayer.events(topic, after)) {
        if (member.ended) return;
        if (!group.plan.matches(e)) continue;
        if (member.follower) {
          const follower = member.follower;
          await follows.ready((id) => id === follower);
          if (!follows.follows(follower, (e as { issueId: string }).issueId)) continue;
        }
        // Back-pressure: a slow reader slows its replay instead of overflowing on it.
        await member.drained(Math.floor(this.o.limits.bufferLimit / 2));
        member.replayed(e.seq, e.cursor, await group.render(e as never));
      }
      member.goLive();
    } catch (e) {
      this.o.log?.error({ err: e, topic }, 'replay failed');
      member.end({ code: 'REPLAY_FAILED', message: `回放失败 (replay from the durable log failed: ${(e as Error).message})` });
    }
  }

  get size(): number {
    return this.groups.size;
  }

  /** Members of every group. */
  get subscribers(): number {
    let n = 0;
    for (const { group } of this.groups.values()) n += group.members.size;
    return n;
  }

  /** Leaves the bus; groups are forgotten (their members were ended by their connections). */
  async close(): Promise<void> {
    await Promise.all([...this.feeds.values()].map((f) => f.close()));
    this.feeds.clear();
    this.groups.clear();
  }
}
