import { once } from 'node:events';
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { SocketOutlet } from '../socket.outlet';

/** A real ws server and client on loopback; the client's socket can be paused like a reader that stopped. */
async function pair() {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await once(wss, 'listening');
  const client = new WebSocket(`ws://127.0.0.1:${(wss.address() as AddressInfo).port}`);
  const [server] = (await once(wss, 'connection')) as [WebSocket];
  await once(client, 'open');
  const received: string[] = [];
  client.on('message', (d) => received.push(d.toString()));
  const raw = (client as unknown as { _socket: { pause(): void; resume(): void } })._socket;
  return { wss, client, server, received, raw, close: () => (client.terminate(), new Promise((r) => wss.close(r))) };
}

describe('SocketOutlet', () => {
  it('blocks while a paused reader holds the socket up, then lets its waiters flush in order', async () => {
    const p = await pair();
    try {
      const outlet = new SocketOutlet(p.server, { highWaterBytes: 64 * 1024 });
      p.raw.pause();
      const big = 'x'.repeat(60 * 1024);
      let written = 0;
      // Kernel buffers take some; the outlet must refuse before userland memory grows without bound.
      while (outlet.write(`${written}:${big}`)) {
        written++;
        if (written % 20 === 0) await new Promise((r) => setImmediate(r));
        if (written > 2000) throw new Error('never blocked');
      }
      expect(outlet.congested).toBe(true);
      expect(p.server.bufferedAmount).toBeLessThan(2 * 64 * 1024 + 60 * 1024);
      const flushed: number[] = [];
      outlet.waitFor({ flush: () => flushed.push(1) });
      p.raw.resume();
      while (p.received.length < written) await new Promise((r) => setTimeout(r, 10));
      // The peer's confirmation (its pong) comes back after it has read: wait for it too.
      for (let i = 0; i < 100 && !flushed.length; i++) await new Promise((r) => setTimeout(r, 10));
      expect(flushed).toEqual([1]);
      expect(outlet.congested).toBe(false);
      expect(p.received.map((m) => Number(m.split(':')[0]))).toEqual(Array.from({ length: written }, (_, i) => i));
    } finally {
      await p.close();
    }
  });

  it('counts what the peer has not read, kernel buffers included: a paused reader congests it after the mark, a reading one never', async () => {
    const p = await pair();
    try {
      const outlet = new SocketOutlet(p.server, { highWaterBytes: 64 * 1024 });
      p.raw.pause();
      const frame = 'y'.repeat(8 * 1024);
      let written = 0;
      while (outlet.write(frame)) {
        written++;
        await new Promise((r) => setTimeout(r, 5)); // time for the kernel to take it and for any pong
        if (written > 100) throw new Error('never congested');
      }
      // The kernel took everything (nothing waits in the process), yet the peer read none of it.
      expect(p.server.bufferedAmount).toBe(0);
      expect(written * frame.length).toBeGreaterThanOrEqual(64 * 1024);
      expect(written * frame.length).toBeLessThan(64 * 1024 + 2 * frame.length);
      expect(outlet.unacked).toBe(written * frame.length);
      const flushed: number[] = [];
      outlet.waitFor({ flush: () => flushed.push(1) });
      p.raw.resume();
      while (!flushed.length) await new Promise((r) => setTimeout(r, 10));
      expect(outlet.congested).toBe(false);
      // A reader that keeps up is never congested however much goes through.
      for (let i = 0; i < 200; i++) {
        expect(outlet.write(frame)).toBe(true);
        await new Promise((r) => setTimeout(r, 2));
      }
      expect(outlet.unacked).toBeLessThan(64 * 1024);
    } finally {
      await p.close();
    }
  });

  it('a peer that confirms what it never read still cannot make the process hold more than the mark', async () => {
    const p = await pair();
    try {
      const outlet = new SocketOutlet(p.server, { highWaterBytes: 64 * 1024 });
      p.raw.pause();
      const big = 'z'.repeat(60 * 1024);
      let written = 0;
      let sent = 0;
      while (outlet.write(big)) {
        sent += big.length;
        p.server.emit('pong', Buffer.from(String(sent))); // a lie: it read nothing
        if (++written % 20 === 0) await new Promise((r) => setImmediate(r));
        if (written > 2000) throw new Error('never congested');
      }
      expect(outlet.unacked).toBe(0);
      expect(outlet.congested).toBe(true);
      expect(p.server.bufferedAmount).toBeLessThan(2 * 64 * 1024 + 60 * 1024);
    } finally {
      p.raw.resume();
      await p.close();
    }
  });

  it('sends small frames straight through and drops writes after close', async () => {
    const p = await pair();
    try {
      const outlet = new SocketOutlet(p.server);
      for (let i = 0; i < 100; i++) expect(outlet.write(String(i))).toBe(true);
      while (p.received.length < 100) await new Promise((r) => setTimeout(r, 10));
      expect(p.received).toEqual(Array.from({ length: 100 }, (_, i) => String(i)));
      outlet.close();
      expect(outlet.write('after')).toBe(true);
      outlet.force('after');
      await new Promise((r) => setTimeout(r, 50));
      expect(p.received).toHaveLength(100);
    } finally {
      await p.close();
    }
  });
});
