import { MemoryPubSub, type IssueEventMessage } from '@plaza/shared';
import { SubscriptionGroup } from '../subscription.group';
import { Member } from '../subscription.member';
import type { SubscriptionPlan } from '../subscription.plan';
import { TopicFeed } from '../topic.feed';
import { LogReplayer } from '../log.replayer';
import { issueEvent as event, recordingOutlet as outlet } from './fixtures';

/** A shared loop never trusts one item: one group's, one member's failure stays with it. */

const plan = (over: Partial<SubscriptionPlan> = {}) =>
  ({ fieldName: 'issueEvents', matches: () => true, render: async (e: IssueEventMessage) => ({ json: `{"seq":${e.seq}}`, hydrated: false }), ...over }) as unknown as SubscriptionPlan;

const member = (frames: string[], id: string, failing = false) =>
  new Member({ outlet: outlet(frames, failing), id, delivered: () => undefined }, { bufferLimit: 10, backlogBytes: 1 << 20 }, null, null);

const viewer = { id: null, roles: [], communityIds: [] } as never;
const tick = () => new Promise((r) => setTimeout(r, 10));

describe('failure isolation in the delivery loop', () => {
  it('a listener that throws does not stop the feed reaching the listeners after it', async () => {
    const bus = new MemoryPubSub();
    const feed = new TopicFeed('issueEvents', bus, new LogReplayer(async () => [], 10), () => undefined);
    const got: number[] = [];
    feed.listen(() => {
      throw new Error('hostile filter');
    });
    feed.listen((e) => got.push(e.seq));
    await feed.start();
    await bus.publish('issueEvents', event(1));
    await bus.publish('issueEvents', event(2));
    await tick();
    expect(got).toEqual([1, 2]);
    await feed.close();
    await bus.close();
  });

  it('a group whose filter throws ends its own members with an error; another group goes on', async () => {
    const broken = new SubscriptionGroup(
      'broken',
      plan({
        matches: () => {
          throw new TypeError('x.includes is not a function');
        },
      }),
      viewer,
      async () => ({}),
    );
    const fine = new SubscriptionGroup('fine', plan(), viewer, async () => ({}));
    const [a, b] = [[] as string[], [] as string[]];
    const ma = member(a, 'a');
    broken.members.add(ma);
    fine.members.add(member(b, 'b'));
    expect(() => broken.offer(event(1) as never)).not.toThrow();
    fine.offer(event(1) as never);
    await tick();
    expect(ma.ended).toBe(true);
    expect(JSON.parse(a[0]!).payload.errors[0].extensions.code).toBe('INTERNAL_SERVER_ERROR');
    expect(b.map((f) => JSON.parse(f).payload)).toEqual([{ seq: 1 }]);
  });

  it('a render that throws drops that event for its group only; the next event still arrives', async () => {
    let fail = true;
    const g = new SubscriptionGroup(
      'g',
      plan({
        render: (async (e: IssueEventMessage) => {
          if (fail) {
            fail = false;
            throw new Error('render bug');
          }
          return { json: `{"seq":${e.seq}}`, hydrated: false };
        }) as never,
      }),
      viewer,
      async () => ({}),
    );
    const frames: string[] = [];
    g.members.add(member(frames, 'm'));
    g.offer(event(1) as never);
    g.offer(event(2) as never);
    await tick();
    expect(frames.map((f) => JSON.parse(f).payload)).toEqual([{ seq: 2 }]);
  });

  it('a member whose write throws is ended alone; the members after it in the loop still get the event', async () => {
    const g = new SubscriptionGroup('g', plan(), viewer, async () => ({}));
    const [bad, good] = [[] as string[], [] as string[]];
    const mb = member(bad, 'bad', true);
    g.members.add(mb);
    g.members.add(member(good, 'good'));
    g.offer(event(1) as never);
    g.offer(event(2) as never);
    await tick();
    expect(mb.ended).toBe(true);
    expect(good.map((f) => JSON.parse(f).payload)).toEqual([{ seq: 1 }, { seq: 2 }]);
  });

  it('a group keeps at most 1 MB of rendered events for resuming subscribers, however large they are', async () => {
    const big = 'x'.repeat(300 * 1024);
    const g = new SubscriptionGroup('g', plan({ render: (async () => ({ json: `"${big}"`, hydrated: true })) as never }), viewer, async () => ({}));
    for (let i = 1; i <= 20; i++) await g.render(event(i) as never);
    expect(g.cachedBytes).toBeLessThanOrEqual(1024 * 1024);
    expect(g.cachedBytes).toBeGreaterThan(0);
  });
});
