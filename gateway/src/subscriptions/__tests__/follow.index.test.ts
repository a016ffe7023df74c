import { eventCursor, MemoryPubSub, type FollowEventMessage, type Viewer } from '@plaza/shared';
import { FollowIndex } from '../follow.index';
import type { HydrateExecute } from '../subscription.plan';

/**
 * The gateway's "who follows request X" for myIssueEvents: read once per resident, then kept by
 * follow events — including those heard while the read is in flight.
 */

const resident = (id: string): Viewer => ({ id, roles: ['RESIDENT'], communityIds: [] }) as unknown as Viewer;
let seq = 0;
const followEvent = (followerId: string, issueId: string, following: boolean): FollowEventMessage => ({ seq: ++seq, cursor: eventCursor(seq), at: new Date(), followerId, issueId, following });
const tick = () => new Promise((r) => setImmediate(r));

/** me.following answered when the test says so, with the ids it gives. */
function heldReads() {
  const waiting: ((ids: string[]) => void)[] = [];
  const execute: HydrateExecute = () =>
    new Promise((resolve) => waiting.push((ids) => resolve({ data: { me: { following: { edges: ids.map((id) => ({ node: { id } })), pageInfo: { hasNextPage: false, endCursor: null } } } } })));
  return {
    execute,
    answer: (ids: string[]) => waiting.shift()!(ids),
    get pending() {
      return waiting.length;
    },
  };
}

describe('FollowIndex', () => {
  let bus: MemoryPubSub;
  beforeEach(() => (bus = new MemoryPubSub()));
  afterEach(() => bus.close());

  it('applies follow events heard during the read on top of it, in order, then keeps the set by events alone', async () => {
    const reads = heldReads();
    const index = new FollowIndex(reads.execute, bus);
    index.acquire(resident('r1'));
    for (let i = 0; i < 20 && !reads.pending; i++) await tick();
    expect(index.ready((id) => id === 'r1')).not.toBeNull();
    // Heard while the read is out: a follow of X, and an unfollow of Z (which the read still has).
    await bus.publish('followEvents', followEvent('r1', 'X', true));
    await bus.publish('followEvents', followEvent('r1', 'Z', false));
    await bus.publish('followEvents', followEvent('someone-else', 'X', true));
    await tick();
    reads.answer(['Y', 'Z']);
    await index.ready(() => true);
    expect(['X', 'Y', 'Z'].filter((i) => index.follows('r1', i))).toEqual(['X', 'Y']);
    expect([...(index.followersOf('X') ?? [])]).toEqual(['r1']); // not someone-else: not subscribed here
    expect(index.ready(() => true)).toBeNull();
    await bus.publish('followEvents', followEvent('r1', 'Y', false));
    await bus.publish('followEvents', followEvent('r1', 'W', true));
    await tick();
    expect(['W', 'X', 'Y', 'Z'].filter((i) => index.follows('r1', i))).toEqual(['W', 'X']);
    expect(index.followersOf('Y')).toBeUndefined();
    expect(index.loads).toBe(1);
    await index.close();
  });

  it('one read per resident however many subscriptions; the last release forgets them', async () => {
    const reads = heldReads();
    const index = new FollowIndex(reads.execute, bus);
    index.acquire(resident('r1'));
    index.acquire(resident('r1'));
    for (let i = 0; i < 20 && !reads.pending; i++) await tick();
    reads.answer(['X']);
    await index.ready(() => true);
    expect(index.loads).toBe(1);
    index.release(resident('r1'));
    expect(index.follows('r1', 'X')).toBe(true);
    index.release(resident('r1'));
    expect(index.follows('r1', 'X')).toBe(false);
    expect(index.followersOf('X')).toBeUndefined();
    await bus.publish('followEvents', followEvent('r1', 'Y', true));
    await tick();
    expect(index.followersOf('Y')).toBeUndefined();
    await index.close();
  });
});
