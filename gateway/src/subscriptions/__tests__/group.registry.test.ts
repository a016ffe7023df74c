import { once } from 'node:events';
import type { AddressInfo, Socket } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { eventCursor, MemoryPubSub, type IssueEventMessage } from '@plaza/shared';
import { GroupRegistry } from '../group.registry';
import { LogReplayer } from '../log.replayer';
import { SocketOutlet } from '../socket.outlet';
import type { SubscriptionPlan } from '../subscription.plan';
import { issueEvent as event, recordingOutlet as outlet } from './fixtures';

const tick = () => new Promise((r) => setTimeout(r, 10));
const viewer = { id: 'u1', roles: ['RESIDENT'], communityIds: ['c'] } as never;

function setup(log: IssueEventMessage[] = [], render?: SubscriptionPlan['render']) {
  const bus = new MemoryPubSub();
  let filtered = 0;
  const plan = {
    groupKey: 'issueEvents{}',
    viewerDependent: false,
    users: 0,
    binding: { topic: 'issueEvents', perFollower: false },
    matches: () => (filtered++, true),
    render: render ?? (async (e: IssueEventMessage) => ({ json: `{"data":{"seq":${e.seq}}}`, hydrated: false })),
  } as unknown as SubscriptionPlan;
  const replay = (async (_t: string, after: string, limit: number) => log.filter((e) => e.cursor > after).slice(0, limit)) as never;
  const registry = new GroupRegistry({
    pubsub: bus,
    replayer: new LogReplayer(replay, 2),
    execute: async () => ({}),
    follows: {} as never,
    limits: { bufferLimit: 100, backlogBytes: 1 << 20 },
    received: () => undefined,
    delivered: () => undefined,
    overflowed: () => undefined,
  });
  return { bus, plan, registry, filtered: () => filtered };
}

describe('GroupRegistry', () => {
  it('one group for one plan and scope; dropped and unhooked from its feed when its last member leaves', async () => {
    const { bus, plan, registry, filtered } = setup();
    await registry.ready('issueEvents');
    const [a, b] = [[] as string[], [] as string[]];
    const left: string[] = [];
    const ma = registry.join({ plan, viewer, outlet: outlet(a), id: 'a', after: null, left: () => left.push('a') });
    const mb = registry.join({ plan, viewer, outlet: outlet(b), id: 'b', after: null, left: () => left.push('b') });
    expect([registry.size, registry.subscribers]).toEqual([1, 2]);
    await bus.publish('issueEvents', event(1));
    await tick();
    expect(filtered()).toBe(1); // filtered once for the group, not per member
    expect([a.length, b.length]).toEqual([1, 1]);

    ma.end();
    expect(left).toEqual(['a']);
    expect([registry.size, registry.subscribers]).toEqual([1, 1]);
    await mb.return();
    expect(left).toEqual(['a', 'b']);
    expect(registry.size).toBe(0);
    await bus.publish('issueEvents', event(2));
    await tick();
    expect(filtered()).toBe(1); // the feed no longer reaches the dropped group
    await mb.return(); // ending twice lets go once
    expect(left).toEqual(['a', 'b']);
    await registry.close();
    await bus.close();
  });

  it('`after` replays the log through the group, then goes live without gap or duplicate', async () => {
    const { bus, plan, registry } = setup([1, 2, 3, 4, 5].map(event));
    await registry.ready('issueEvents');
    const frames: string[] = [];
    registry.join({ plan, viewer, outlet: outlet(frames), id: 'r', after: { seq: 2, cursor: eventCursor(2) }, left: () => undefined });
    await bus.publish('issueEvents', event(5)); // live while replaying: already in the log
    await bus.publish('issueEvents', event(6));
    // Live events render alongside the replay and go out after it: a few turns, longer on a busy machine.
    for (let i = 0; i < 100 && frames.length < 4; i++) await tick();
    expect(frames.map((f) => JSON.parse(f).payload.data.seq)).toEqual([3, 4, 5, 6]);
    await registry.close();
    await bus.close();
  });

  it('events whose renders finish together go to each socket in one write, in order', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { bus, plan, registry } = setup([], async (e) => (await gate, { json: `{"data":{"seq":${e.seq}}}`, hydrated: false }));
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await once(wss, 'listening');
    const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
    const [server] = (await once(wss, 'connection')) as [WebSocket];
    await once(client, 'open');
    try {
      const received: number[] = [];
      client.on('message', (d) => received.push(JSON.parse(d.toString()).payload.data.seq));
      // What reaches the kernel: one call per write, whether of one chunk or several.
      const stream = (server as unknown as { _socket: Socket })._socket;
      const writes: number[] = [];
      const raw = stream as unknown as Record<'_write' | '_writev', (...a: unknown[]) => void>;
      for (const k of ['_write', '_writev'] as const) {
        const orig = raw[k].bind(stream);
        raw[k] = (...a: unknown[]) => (writes.push(k === '_writev' ? (a[0] as unknown[]).length : 1), orig(...a));
      }
      await registry.ready('issueEvents');
      registry.join({ plan, viewer, outlet: new SocketOutlet(server, { stream }), id: 's', after: null, left: () => undefined });
      for (const seq of [1, 2, 3]) await bus.publish('issueEvents', event(seq));
      await tick(); // all three offered, their renders waiting
      release();
      while (received.length < 3) await tick();
      expect(received).toEqual([1, 2, 3]);
      // Three frames (a header and a body each, as ws writes them) in a single write.
      expect(writes).toEqual([6]);
    } finally {
      client.terminate();
      await new Promise((r) => wss.close(r));
      await registry.close();
      await bus.close();
    }
  });
});
