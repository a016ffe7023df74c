import { parse } from 'graphql';
import type { Logger } from 'pino';
import type { Viewer } from '@plaza/shared';
import type { HydrateExecute } from './subscription.plan';

const FOLLOWING = parse(`query PlazaFollowing($after: String) {
  me { following(first: 100, after: $after) { edges { node { id } } pageInfo { hasNextPage endCursor } } }
}`);

interface Entry {
  viewer: Viewer;
  issues: Set<string>;
  loadedAt: number;
  /** A load in flight; events wait for it so none is judged on a stale set. */
  loading: Promise<void> | null;
  /** Marked by a follow-changing mutation: reloaded before the next event is judged. */
  stale: boolean;
  /** The load in flight must finish before events are judged (first load, or after a mutation). */
  blocking: boolean;
  users: number;
}

/**
 * Which requests each subscribed resident follows, for `myIssueEvents`. One set per resident
 * (shared by all their sockets), read as that resident through `me.following` — so it holds only
 * what they may see. A set is reloaded before the next event is judged when a follow-changing
 * mutation of theirs went through this gateway (follow, unfollow, raise and support, which
 * follow by themselves) or when it is older than `ttlMs` (mutations through another gateway).
 * Routing an event is then a set lookup per following subscriber; hydration stays once per group.
 */
export class FollowIndex {
  private readonly entries = new Map<string, Entry>();
  loads = 0;

  constructor(
    private readonly execute: HydrateExecute,
    private readonly ttlMs: number,
    private readonly log?: Logger,
  ) {}

  acquire(viewer: Viewer): void {
    const e = this.entries.get(viewer.id!);
    if (e) {
      e.users++;
      e.viewer = viewer;
      return;
    }
    this.entries.set(viewer.id!, { viewer, issues: new Set(), loadedAt: 0, loading: null, stale: true, blocking: false, users: 1 });
  }

  release(viewer: Viewer): void {
    const e = this.entries.get(viewer.id!);
    if (e && --e.users <= 0) this.entries.delete(viewer.id!);
  }

  /** A mutation of `viewerId` may have changed what they follow. */
  invalidate(viewerId: string | null | undefined): void {
    const e = viewerId ? this.entries.get(viewerId) : undefined;
    if (e) e.stale = true;
  }

  follows(viewerId: string, issueId: string): boolean {
    return this.entries.get(viewerId)?.issues.has(issueId) ?? false;
  }

  /** Resolves once the sets of these residents are current (at once when they already are). */
  ready(viewerIds: Iterable<string>): Promise<void> | null {
    const waits: Promise<void>[] = [];
    const now = Date.now();
    for (const id of viewerIds) {
      const e = this.entries.get(id);
      if (!e) continue;
      if (!e.loading && (e.stale || now - e.loadedAt > this.ttlMs)) {
        // Past the TTL only (a change through another gateway, if any): refreshed in the
        // background, events are not held for it.
        e.blocking = e.stale || e.loadedAt === 0;
        e.loading = this.load(e);
      }
      if (e.loading && e.blocking) waits.push(e.loading);
    }
    return waits.length ? Promise.all(waits).then(() => undefined) : null;
  }

  private async load(e: Entry): Promise<void> {
    e.stale = false;
    const started = Date.now();
    try {
      const issues = new Set<string>();
      let after: string | null = null;
      for (;;) {
        this.loads++;
        const r = await this.execute(FOLLOWING, { after }, e.viewer);
        const conn = (r.data as any)?.me?.following;
        if (!conn) throw new Error(r.errors?.map((x) => x.message).join('; ') ?? 'no data');
        for (const edge of conn.edges) issues.add(edge.node.id);
        if (!conn.pageInfo.hasNextPage) break;
        after = conn.pageInfo.endCursor;
      }
      e.issues = issues;
      e.loadedAt = started;
    } catch (err) {
      // Keeps the last set; tried again on the next event.
      this.log?.error({ err }, 'loading followed requests failed');
      e.stale = true;
    } finally {
      e.loading = null;
    }
  }
}
