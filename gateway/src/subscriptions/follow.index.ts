import { parse } from 'graphql';
import type { Logger } from 'pino';
import type { FollowEventMessage, PubSub, Unsubscribe, Viewer } from '@plaza/shared';
import type { HydrateExecute } from './subscription.plan';

const FOLLOWING = parse(`query PlazaFollowing($after: String) {
  me { following(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }
}`);

/** Tries of one resident's first read before their set is left to follow events alone. */
const LOAD_TRIES = 3;

interface Resident {
  viewer: Viewer;
  /** Their subscriptions on this gateway (sockets may share a resident). */
  users: number;
  issues: Set<string>;
  /** While their follows are being read: follow events for them, applied on top when it ends. */
  pending: FollowEventMessage[] | null;
}

/**
 * Who follows which request, for `myIssueEvents`, kept only for the residents subscribed to this
 * gateway. Each resident's follows are read once, as that resident (`me.following`, so only what
 * they may see), when they subscribe; after that the `followEvents` topic keeps them current — a
 * follow through any gateway reaches every gateway in commit order with the issue events, before
 * any event committed after it. Routing an event is one map lookup (request -> followers);
 * hydration stays once per group however many follow it.
 */
export class FollowIndex {
  private readonly residents = new Map<string, Resident>();
  /** Request id -> the subscribed residents following it. */
  private readonly followers = new Map<string, Set<string>>();
  /** Residents whose follows are being read: events of their groups wait for these. */
  private readonly loading = new Map<string, Promise<void>>();
  private starting: Promise<Unsubscribe> | null = null;
  /** Reads of a resident's follows (one per subscribe of a resident not yet here, and after a bus reconnect). */
  loads = 0;
  /** Follow events that changed a subscribed resident's set. */
  applied = 0;

  constructor(
    private readonly execute: HydrateExecute,
    private readonly pubsub: PubSub,
    private readonly log?: Logger,
  ) {}

  /** A subscription of this resident starts: their follows are read unless already held here. */
  acquire(viewer: Viewer): void {
    const id = viewer.id!;
    const r = this.residents.get(id);
    if (r) {
      r.users++;
      r.viewer = viewer;
      return;
    }
    const fresh: Resident = { viewer, users: 1, issues: new Set(), pending: [] };
    this.residents.set(id, fresh);
    // Follow events are heard before the read starts, so none falls between the two.
    this.track(
      id,
      this.listen().then(() => this.load(id, fresh)),
    );
  }

  release(viewer: Viewer): void {
    const id = viewer.id!;
    const r = this.residents.get(id);
    if (!r || --r.users > 0) return;
    this.residents.delete(id);
    this.loading.delete(id);
    for (const issue of r.issues) this.unindex(issue, id);
  }

  /** The subscribed residents following this request (none: undefined). */
  followersOf(issueId: string): ReadonlySet<string> | undefined {
    return this.followers.get(issueId);
  }

  follows(viewerId: string, issueId: string): boolean {
    return this.residents.get(viewerId)?.issues.has(issueId) ?? false;
  }

  /**
   * Resolves once the follows of the residents `concerns` picks are read, or null when none of
   * them is being read (the usual case: a look at the few reads in flight, not at every member).
   */
  ready(concerns: (residentId: string) => boolean): Promise<void> | null {
    if (!this.loading.size) return null;
    const waits: Promise<void>[] = [];
    for (const [id, p] of this.loading) if (concerns(id)) waits.push(p);
    return waits.length ? Promise.all(waits).then(() => undefined) : null;
  }

  async close(): Promise<void> {
    const un = await this.starting?.catch(() => null);
    await un?.();
    this.residents.clear();
    this.followers.clear();
  }

  private listen(): Promise<Unsubscribe> {
    // A bus that lost its connection lost the follow events meanwhile: read every set again.
    this.starting ??= this.pubsub.subscribe('followEvents', (e) => this.receive(e), { onReconnect: () => this.reloadAll() });
    return this.starting;
  }

  private receive(e: FollowEventMessage) {
    const r = this.residents.get(e.followerId);
    if (!r) return;
    if (r.pending) r.pending.push(e);
    else this.apply(e.followerId, r, e);
  }

  private apply(id: string, r: Resident, e: FollowEventMessage) {
    this.applied++;
    if (e.following) this.add(id, r, e.issueId);
    else if (r.issues.delete(e.issueId)) this.unindex(e.issueId, id);
  }

  private add(id: string, r: Resident, issueId: string) {
    r.issues.add(issueId);
    let set = this.followers.get(issueId);
    if (!set) this.followers.set(issueId, (set = new Set()));
    set.add(id);
  }

  private unindex(issueId: string, residentId: string) {
    const set = this.followers.get(issueId);
    if (set?.delete(residentId) && !set.size) this.followers.delete(issueId);
  }

  private track(id: string, p: Promise<void>) {
    const done = p
      .catch((err) => this.log?.error({ err }, 'loading followed requests failed'))
      .finally(() => {
        if (this.loading.get(id) === done) this.loading.delete(id);
      });
    this.loading.set(id, done);
  }

  private reloadAll() {
    for (const [id, r] of this.residents) {
      // After a read in flight (it may predate the gap), never beside it.
      const before = this.loading.get(id) ?? Promise.resolve();
      this.track(
        id,
        before.then(() => {
          if (this.residents.get(id) !== r) return;
          r.pending ??= [];
          return this.load(id, r);
        }),
      );
    }
  }

  /**
   * Reads the resident's follows, then applies the follow events heard meanwhile on top: the read
   * reflects every follow committed before it, and replaying one it already holds changes nothing,
   * so the set ends as the last event left it.
   */
  private async load(id: string, r: Resident): Promise<void> {
    let read: Set<string> | null = null;
    for (let attempt = 1; !read && attempt <= LOAD_TRIES; attempt++) {
      try {
        read = await this.readFollowing(r.viewer);
      } catch (err) {
        this.log?.warn({ err, attempt }, 'reading followed requests failed');
        if (attempt < LOAD_TRIES) await new Promise((res) => setTimeout(res, 100 * 2 ** attempt));
      }
    }
    if (this.residents.get(id) !== r) return; // unsubscribed meanwhile
    if (read) {
      for (const issue of r.issues) if (!read.has(issue)) this.unindex(issue, id);
      r.issues = new Set();
      for (const issue of read) this.add(id, r, issue);
    } else {
      this.log?.error({ resident: id }, 'followed requests unreadable; only follows made from now on reach this subscriber');
    }
    const pending = r.pending ?? [];
    r.pending = null;
    for (const e of pending) this.apply(id, r, e);
  }

  private async readFollowing(viewer: Viewer): Promise<Set<string>> {
    const issues = new Set<string>();
    let after: string | null = null;
    for (;;) {
      this.loads++;
      const res = await this.execute(FOLLOWING, { after }, viewer);
      const conn = (res.data as any)?.me?.following;
      if (!conn) throw new Error(res.errors?.map((x) => x.message).join('; ') ?? 'no data');
      for (const edge of conn.edges) issues.add(edge.node.id);
      if (!conn.pageInfo.hasNextPage) return issues;
      after = conn.pageInfo.endCursor;
    }
  }
}
