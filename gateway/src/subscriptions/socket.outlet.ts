import type { WebSocket } from 'ws';

/** Something that waits for a backed-up socket to take frames again. */
export interface OutletWaiter {
  flush(): void;
}

/** The byte stream under the WebSocket (the upgraded TCP socket): held back and let go in one write. */
export interface CorkableStream {
  cork(): void;
  uncork(): void;
}

/** Outlets whose streams the running `corked` call has corked; null outside one. */
let corkedNow: SocketOutlet[] | null = null;

/**
 * Runs `deliver` with the stream of every outlet it writes to corked, then uncorks them: the
 * frames one socket gets within it (a group handing out several events at once) leave in one
 * write instead of one system call each — the call, not the JavaScript around it, is what a
 * fan-out to thousands of sockets spends most of its time on. Nested calls join the outer one.
 */
export function corked(deliver: () => void): void {
  if (corkedNow) return deliver();
  const outlets: SocketOutlet[] = (corkedNow = []);
  try {
    deliver();
  } finally {
    corkedNow = null;
    for (const o of outlets) o.uncork();
  }
}

export interface SocketOutletOptions {
  /** The stream under the socket, corked during `corked` deliveries; without it frames are written one by one. */
  stream?: CorkableStream;
  /** Unconfirmed bytes past which the socket is sent nothing more until the peer reads. Default 64 KB. */
  highWaterBytes?: number;
  /** Asks the peer to confirm what it read (a ping) after every this many bytes sent. Default 16 KB. */
  probeEveryBytes?: number;
}

/**
 * One connection's socket, written to directly by its subscriptions (see Member).
 *
 * It counts the bytes it handed to the socket that the PEER has not yet read — user space,
 * kernel buffers on both ends and the network together — and stops taking frames past
 * `highWaterBytes`; its subscriptions then queue results in their own bounded backlogs. Neither
 * `ws.bufferedAmount` nor write callbacks can tell that: both only see bytes leave for the
 * kernel, whose send and receive buffers hold megabytes, so a reader that stopped reading showed
 * only once those were full, and then an in-band SUBSCRIPTION_OVERFLOW queued behind megabytes
 * never reached it before the keep-alive closed the socket (1006). The kernel's queue (SIOCOUTQ)
 * is not portable from Node, and shrinking SO_SNDBUF would still leave the peer's receive buffer.
 * So the peer confirms: every `probeEveryBytes` (and whenever the mark is crossed) the outlet
 * sends a WebSocket ping whose payload is the byte count sent so far; RFC 6455 has the peer echo
 * it in its pong, which it can only do after reading everything before the ping (one ordered
 * stream). Browsers and `ws` answer pings themselves. What the peer has not confirmed is then at
 * most `highWaterBytes` plus one frame, so an overflow error written behind it reaches a slow but
 * living reader after that much, and a dead reader holds at most that much of our memory.
 * A peer could echo offsets it never read (it can count what arrived): so the outlet is also
 * congested while more than the mark waits in this process unsent (`bufferedAmount`), until the
 * write that crossed it has gone to the kernel — a lying peer costs no more than before.
 */
export class SocketOutlet {
  private closed = false;
  /** Bytes handed to the socket, counted by us (frames' UTF-8 lengths). */
  private sent = 0;
  /** The largest `sent` the peer echoed back: it has read everything up to there. */
  private acked = 0;
  /** `sent` at the last ping. */
  private probed = 0;
  /** A write that found more than the mark unsent in this process has not gone to the kernel yet. */
  private buffering = false;
  private readonly waiters = new Set<OutletWaiter>();
  private readonly highWater: number;
  private readonly probeEvery: number;
  private readonly onPong = (data: Buffer) => this.pong(data);
  private readonly stream: CorkableStream | null;
  /** The `corked` call that corked `stream`, while it runs. */
  private corkedIn: SocketOutlet[] | null = null;

  constructor(
    private readonly ws: WebSocket,
    o: SocketOutletOptions = {},
  ) {
    this.highWater = o.highWaterBytes ?? 64 * 1024;
    this.probeEvery = Math.min(o.probeEveryBytes ?? 16 * 1024, this.highWater);
    this.stream = o.stream ?? null;
    ws.on('pong', this.onPong);
  }

  /** Bytes handed to the socket that the peer has not confirmed reading. */
  get unacked() {
    return this.sent - this.acked;
  }

  get congested() {
    return !this.closed && (this.buffering || this.sent - this.acked >= this.highWater);
  }

  /** Sends the frame (`bytes` long in UTF-8), or returns false (sending nothing) while the socket is backed up. */
  write(frame: string, bytes = Buffer.byteLength(frame)): boolean {
    if (this.closed) return true; // going away: its subscriptions end with it
    if (this.congested) return false;
    this.send(frame, bytes);
    return true;
  }

  /** Sends the frame even when backed up: a subscription's last words (bounded, one per end). */
  force(frame: string) {
    if (!this.closed) this.send(frame, Buffer.byteLength(frame));
  }

  /** `w.flush()` is called once the socket takes frames again. */
  waitFor(w: OutletWaiter) {
    this.waiters.add(w);
  }

  forget(w: OutletWaiter) {
    this.waiters.delete(w);
  }

  close() {
    this.closed = true;
    this.waiters.clear();
    this.ws.off('pong', this.onPong);
  }

  /** Lets go of what `corked` held back: one write. */
  uncork() {
    this.corkedIn = null;
    this.stream?.uncork();
  }

  private send(frame: string, bytes: number) {
    if (corkedNow && this.corkedIn !== corkedNow && this.stream) {
      this.stream.cork();
      this.corkedIn = corkedNow;
      corkedNow.push(this);
    }
    try {
      if (this.buffering || this.ws.bufferedAmount + bytes <= this.highWater) this.ws.send(frame);
      else {
        this.buffering = true;
        this.ws.send(frame, (err) => {
          this.buffering = false;
          if (err) this.close();
          else this.release();
        });
      }
    } catch {
      // Not open (closing): the connection's close ends its subscriptions.
      this.buffering = false;
      return;
    }
    this.sent += bytes;
    if (this.sent - this.probed >= this.probeEvery || this.congested) this.probe();
  }

  private probe() {
    if (this.sent === this.probed) return;
    this.probed = this.sent;
    try {
      this.ws.ping(String(this.sent));
    } catch {
      /* not open: nothing to confirm any more */
    }
  }

  private pong(data: Buffer) {
    // graphql-ws' keep-alive pings carry nothing; ours carry the offset they confirm.
    const n = Number(data.toString('latin1'));
    if (!Number.isSafeInteger(n) || n <= this.acked || n > this.sent) return;
    this.acked = n;
    this.release();
  }

  private release() {
    // Unconfirmed now: at most what was sent since the last ping, under `probeEveryBytes`
    // (a send that crosses the mark always pings), so a caught-up reader is never congested.
    if (this.congested) return;
    // A waiter that blocks the socket again registers anew; the rest wait for the next confirmation.
    for (const w of this.waiters) {
      if (this.congested) break;
      this.waiters.delete(w);
      w.flush();
    }
  }
}
