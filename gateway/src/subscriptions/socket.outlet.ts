import type { WebSocket } from 'ws';

/** Something that waits for a backed-up socket to take frames again. */
export interface OutletWaiter {
  flush(): void;
}

/**
 * One connection's socket, written to directly by its subscriptions (see Member). Frames go to
 * `ws` while what it holds unsent stays under `highWater` bytes; past that the socket is blocked
 * until the frame that crossed the mark has gone to the kernel, and its subscriptions keep their
 * results in their own bounded queues meanwhile — that is how a reader that stopped reading shows.
 * The mark bounds what a stuck connection costs beyond its queues' references to shared results:
 * 16 KB is ~10–80 typical frames in flight, and 160 MB if all of 10,000 subscribers stopped reading.
 */
export class SocketOutlet {
  private blocked = false;
  private closed = false;
  private readonly waiters = new Set<OutletWaiter>();

  constructor(
    private readonly ws: WebSocket,
    private readonly highWater = 16 * 1024,
  ) {}

  /** Sends the frame, or returns false (sending nothing) while the socket is backed up. */
  write(frame: string): boolean {
    if (this.blocked) return false;
    if (this.closed) return true; // going away: its subscriptions end with it
    if (this.ws.bufferedAmount + frame.length <= this.highWater) this.ws.send(frame);
    else {
      this.blocked = true;
      this.ws.send(frame, (err) => (err ? this.close() : this.unblock()));
    }
    return true;
  }

  /** Sends the frame even when backed up: a subscription's last words (bounded, one per end). */
  force(frame: string) {
    if (!this.closed) this.ws.send(frame);
  }

  /** `w.flush()` is called once the socket takes frames again. */
  waitFor(w: OutletWaiter) {
    this.waiters.add(w);
  }

  forget(w: OutletWaiter) {
    this.waiters.delete(w);
  }

  get congested() {
    return this.blocked;
  }

  close() {
    this.closed = true;
    this.blocked = false;
    this.waiters.clear();
  }

  private unblock() {
    this.blocked = false;
    // A waiter that blocks the socket again registers anew; the rest wait for the next unblock.
    for (const w of this.waiters) {
      if (this.blocked) break;
      this.waiters.delete(w);
      w.flush();
    }
  }
}
