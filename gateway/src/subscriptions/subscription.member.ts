import type { Logger } from 'pino';
import type { ErrorCode } from '@plaza/shared';
import type { OutletWaiter, SocketOutlet } from './socket.outlet';
import { errorPayload, NextFrame } from './subscription.frames';

/** A result serialised once per group and written as-is into every member's frame. */
export class SharedResult {
  /** UTF-8 length of `json`, measured once for every member's byte budget. */
  readonly bytes: number;
  constructor(
    readonly json: string,
    /** performance.now() when the gateway took the event up: delivery latency is measured from here. */
    readonly since = performance.now(),
  ) {
    this.bytes = Buffer.byteLength(json);
  }
}

export interface MemberLimits {
  /** Events queued (or held during a replay) before SUBSCRIPTION_OVERFLOW. */
  bufferLimit: number;
  /** Bytes queued plus bytes the socket has not had confirmed by the peer, before SUBSCRIPTION_OVERFLOW. */
  backlogBytes: number;
}

export const OVERFLOW_CODE: ErrorCode = 'SUBSCRIPTION_OVERFLOW';

export interface MemberEnd {
  message: string;
  code: ErrorCode;
  /** The last cursor handed to the subscriber: resume with `after` from here. */
  cursor: string | null;
}

/** Where a member's results go. */
export interface MemberSink {
  /** The connection's socket. */
  outlet: SocketOutlet;
  /** The graphql-ws subscription id. */
  id: string;
  /** Called after each result went to the socket (counters, latency). */
  delivered: (r: SharedResult) => void;
  /** Called once when this subscription is cut off with SUBSCRIPTION_OVERFLOW (the overflow count). */
  overflowed?: () => void;
  /** Called once when the subscription ends, for whatever reason: whoever holds it lets go. */
  ended?: (m: Member) => void;
  log?: Logger;
}

interface Pending {
  seq: number;
  cursor: string;
  result: SharedResult;
}

/**
 * One subscription. Its results are written straight to the connection's socket as
 * graphql-transport-ws `next` frames: graphql-ws' own path (a promise chain, a stringify and a
 * wait for the write per message) costs more than the write itself at 10,000 subscribers.
 * graphql-ws still owns the subscription's life: it iterates this object, which yields nothing
 * and finishes when the subscription ends, and then it sends `complete`.
 *
 * While the socket is backed up results wait in a bounded queue; past `bufferLimit` events, or
 * past `backlogBytes` counting the queue and what the socket holds unconfirmed by the peer, the
 * subscription ends with SUBSCRIPTION_OVERFLOW (written at once, behind at most the socket's
 * high-water mark of unread bytes, so a slow reader does read it). While it replays from the durable log, live
 * events are held; when it goes live, held events already replayed (seq <= last) are dropped,
 * so the seam has no gap and no duplicate.
 */
export class Member implements AsyncIterableIterator<never>, OutletWaiter {
  private readonly queue: Pending[] = [];
  /** Frame bytes of `queue` and `held`. */
  private queuedBytes = 0;
  private held: Pending[] | null;
  private waiting: ((r: IteratorResult<never>) => void) | null = null;
  private done = false;
  private lastSeq = 0;
  /** The cursor of the last event written to the socket: where the client resumes from. */
  private deliveredCursor: string | null;
  /** The `next` frame around every result. */
  private readonly nextFrame: NextFrame;
  private readonly frameBytes: number;
  private readonly bufferLimit: number;
  private readonly backlogBytes: number;
  constructor(
    private readonly sink: MemberSink,
    limits: MemberLimits,
    afterSeq: number | null,
    afterCursor: string | null,
    /** myIssueEvents: the resident whose followed requests this subscriber gets; else null. */
    readonly follower: string | null = null,
  ) {
    this.held = afterCursor ? [] : null;
    this.lastSeq = afterSeq ?? 0;
    this.deliveredCursor = afterCursor;
    this.nextFrame = new NextFrame(sink.id);
    this.frameBytes = this.nextFrame.overheadBytes;
    this.bufferLimit = limits.bufferLimit;
    this.backlogBytes = limits.backlogBytes;
  }

  get ended() {
    return this.done;
  }

  /** A live event for this subscriber (already filtered and rendered for its group). */
  live(seq: number, cursor: string, result: SharedResult) {
    if (this.done) return;
    if (this.held) {
      this.held.push({ seq, cursor, result });
      this.queuedBytes += this.frameBytes + result.bytes;
      this.checkLimit();
    } else this.push(seq, cursor, result);
  }

  /** An event from the replay of the durable log, in order. */
  replayed(seq: number, cursor: string, result: SharedResult) {
    if (!this.done) this.push(seq, cursor, result);
  }

  /** Replay finished: release the held live events that the replay did not already cover. */
  goLive() {
    const held = this.held ?? [];
    this.held = null;
    for (const h of held) this.queuedBytes -= this.frameBytes + h.result.bytes;
    for (const h of held) this.push(h.seq, h.cursor, h.result);
  }

  /** Ends the subscription after what is queued, or at once with an error result. */
  end(error?: Omit<MemberEnd, 'cursor'>) {
    if (this.done) return;
    if (error) {
      this.queue.length = 0;
      this.held = null;
      this.queuedBytes = 0;
      const e: MemberEnd = { ...error, cursor: this.deliveredCursor };
      this.sink.outlet.force(this.nextFrame.wrap(errorPayload(e.message, e.code, e.cursor)));
    } else {
      // Bounded by bufferLimit: what was promised goes out before `complete`.
      for (const p of this.queue.splice(0)) this.sink.outlet.force(this.frame(p));
      this.queuedBytes = 0;
    }
    this.finish();
  }

  private frame(p: Pending) {
    this.deliveredCursor = p.cursor;
    this.sink.delivered(p.result);
    return this.nextFrame.wrap(p.result.json);
  }

  private push(seq: number, cursor: string, result: SharedResult) {
    if (seq <= this.lastSeq) return; // at-least-once upstream: a re-published event
    this.lastSeq = seq;
    const p = { seq, cursor, result };
    if (!this.queue.length && this.write(p)) return;
    if (!this.queue.length) this.sink.outlet.waitFor(this);
    this.queue.push(p);
    this.queuedBytes += this.frameBytes + result.bytes;
    this.checkLimit();
  }

  private write(p: Pending): boolean {
    if (this.sink.outlet.congested) return false;
    this.sink.outlet.write(this.frame(p), this.frameBytes + p.result.bytes);
    return true;
  }

  /** The socket takes frames again: send what waited, in order. */
  flush() {
    let sent = 0;
    while (!this.done && sent < this.queue.length && this.write(this.queue[sent]!)) {
      this.queuedBytes -= this.frameBytes + this.queue[sent]!.result.bytes;
      sent++;
    }
    this.queue.splice(0, sent);
    if (this.queue.length && !this.done) this.sink.outlet.waitFor(this);
    if (this.drainWaiters.length) this.drainWaiters = this.drainWaiters.filter((w) => !w());
  }

  private checkLimit() {
    const events = this.queue.length + (this.held?.length ?? 0);
    const bytes = this.queuedBytes + this.sink.outlet.unacked;
    if (events <= this.bufferLimit && bytes <= this.backlogBytes) return;
    const why = events > this.bufferLimit ? `more than ${this.bufferLimit} events buffered` : `more than ${this.backlogBytes} bytes unread`;
    this.sink.log?.info({ id: this.sink.id, events, bytes }, 'subscriber overflowed');
    this.sink.overflowed?.();
    this.end({ code: OVERFLOW_CODE, message: `订阅者处理过慢，缓冲已满 (subscriber too slow: ${why}; resume with after)` });
  }

  private finish() {
    this.done = true;
    this.sink.outlet.forget(this);
    const w = this.waiting;
    this.waiting = null;
    w?.({ value: undefined as never, done: true });
    for (const d of this.drainWaiters.splice(0)) d();
    this.sink.ended?.(this);
  }

  private drainWaiters: (() => boolean)[] = [];
  /** Resolves when at most `limit` events and half the byte budget wait (or the subscription ended): replay's back-pressure. */
  drained(limit: number): Promise<void> {
    const ok = () => this.done || (this.queue.length <= limit && this.queuedBytes <= this.backlogBytes / 2);
    if (ok()) return Promise.resolve();
    return new Promise((resolve) =>
      this.drainWaiters.push(() => {
        if (!ok()) return false;
        resolve();
        return true;
      }),
    );
  }

  /** graphql-ws' loop: nothing is yielded; it ends when the subscription does. */
  next(): Promise<IteratorResult<never>> {
    if (this.done) return Promise.resolve({ value: undefined as never, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<never>> {
    this.queue.length = 0;
    this.held = null;
    this.queuedBytes = 0;
    if (!this.done) this.finish();
    return Promise.resolve({ value: undefined as never, done: true });
  }

  throw(e?: unknown): Promise<IteratorResult<never>> {
    void this.return();
    return Promise.reject(e);
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
