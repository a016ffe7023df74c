import { randomUUID } from 'node:crypto';
import { IssueCategory } from '../src/enums';
import { eventCursor, type IssueEventMessage } from '../src/pubsub/topics';

export function issueEvent(seq: number, over: Partial<IssueEventMessage> = {}): IssueEventMessage {
  return {
    cursor: eventCursor(seq),
    seq,
    kind: 'RAISED',
    at: new Date(Date.UTC(2026, 10, 26, 12, 0, seq % 60)),
    issueId: randomUUID(),
    communityId: randomUUID(),
    subdistrict: '阜安街道',
    sessionId: null,
    category: IssueCategory.PUBLIC_FACILITIES,
    planId: null,
    supportCount: null,
    ...over,
  };
}

export /** Collects what a handler receives and lets a test wait for a count. */
function collector<T>() {
  const got: T[] = [];
  const waiters: { n: number; resolve: () => void }[] = [];
  return {
    got,
    handler: (p: T) => {
      got.push(p);
      for (const w of waiters.filter((x) => got.length >= x.n)) w.resolve();
    },
    until: (n: number, ms = 2000) =>
      got.length >= n
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            const t = setTimeout(() => reject(new Error(`got ${got.length} of ${n} messages`)), ms);
            waiters.push({ n, resolve: () => (clearTimeout(t), resolve()) });
          }),
  };
}

export const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

/**
 * A TCP proxy in front of Redis that a test can take down and bring back on the same port, to
 * stand for "Redis stopped, Redis restarted" without touching the Redis other suites share.
 */
export async function tcpProxy(target: { host: string; port: number }) {
  const net = await import('node:net');
  const sockets = new Set<import('node:net').Socket>();
  let server: import('node:net').Server | null = null;
  let port = 0;
  const up = () =>
    new Promise<void>((resolve) => {
      server = net.createServer((client) => {
        const upstream = net.connect(target.port, target.host);
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as import('node:net').AddressInfo).port;
        resolve();
      });
    });
  const down = () =>
    new Promise<void>((resolve) => {
      for (const s of sockets) s.destroy();
      if (!server) return resolve();
      server.close(() => resolve());
      server = null;
    });
  await up();
  return {
    get url() {
      return `redis://127.0.0.1:${port}`;
    },
    up,
    down,
  };
}
