/**
 * A serialised result shared by every subscriber of a group. graphql-ws stringifies each
 * message per socket; `toJSON` hands it a marker instead of the data, and the socket's send
 * (patched in subscriptions.server.ts) swaps the marker for these bytes, so the payload is
 * serialised once per group, not once per socket.
 */
export class SharedResult {
  static readonly MARKER = '\u0000plaza-shared\u0000';
  /** The bytes of the result being stringified right now (stringify and send run in one tick). */
  static pending: string | null = null;
  /** `since` of the result being stringified right now. */
  static pendingSince = 0;
  constructor(
    readonly json: string,
    /** performance.now() when the gateway took the event up: delivery latency is measured from here. */
    readonly since = performance.now(),
  ) {}
  toJSON() {
    SharedResult.pending = this.json;
    SharedResult.pendingSince = this.since;
    return SharedResult.MARKER;
  }
}

export const OVERFLOW_CODE = 'SUBSCRIPTION_OVERFLOW';

export interface MemberEnd {
  message: string;
  code: string;
  /** The last cursor handed to the subscriber: resume with `after` from here. */
  cursor: string | null;
}

/**
 * One subscription: an async iterator graphql-ws pulls from, with a bounded buffer. While it
 * replays from the durable log, live events are held; when it goes live, held events already
 * replayed (seq <= last) are dropped, so the seam has no gap and no duplicate.
 */
export class Member implements AsyncIterableIterator<SharedResult> {
  private readonly queue: { seq: number; cursor: string; result: SharedResult }[] = [];
  private held: { seq: number; cursor: string; result: SharedResult }[] | null;
  private waiting: ((r: IteratorResult<SharedResult>) => void) | null = null;
  private final: SharedResult | null = null;
  private done = false;
  private lastSeq = 0;
  /** The cursor of the last event handed to graphql-ws: where the client resumes from. */
  private deliveredCursor: string | null;
  /** Called once when the subscription ends for any reason. */
  onEnd: (() => void) | null = null;

  constructor(
    private readonly bufferLimit: number,
    afterSeq: number | null,
    afterCursor: string | null,
  ) {
    this.held = afterCursor ? [] : null;
    this.lastSeq = afterSeq ?? 0;
    this.deliveredCursor = afterCursor;
  }

  get ended() {
    return this.done;
  }

  /** A live event for this subscriber (already filtered and rendered for its group). */
  live(seq: number, cursor: string, result: SharedResult) {
    if (this.done) return;
    if (this.held) {
      this.held.push({ seq, cursor, result });
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
    for (const h of held) this.push(h.seq, h.cursor, h.result);
  }

  /** Ends the subscription after what is queued, or at once with an error result. */
  end(error?: Omit<MemberEnd, 'cursor'>) {
    if (this.done) return;
    if (error) {
      this.queue.length = 0;
      this.held = null;
      const e: MemberEnd = { ...error, cursor: this.deliveredCursor };
      this.final = new SharedResult(JSON.stringify({ errors: [{ message: e.message, extensions: { code: e.code, cursor: e.cursor } }] }));
    }
    this.finish();
  }

  private push(seq: number, cursor: string, result: SharedResult) {
    if (seq <= this.lastSeq) return; // at-least-once upstream: a re-published event
    this.lastSeq = seq;
    if (this.waiting) {
      const w = this.waiting;
      this.waiting = null;
      this.deliveredCursor = cursor;
      w({ value: result, done: false });
      return;
    }
    this.queue.push({ seq, cursor, result });
    this.checkLimit();
  }

  private checkLimit() {
    if (this.queue.length + (this.held?.length ?? 0) > this.bufferLimit) {
      this.end({
        code: OVERFLOW_CODE,
        message: `订阅者处理过慢，缓冲已满 (subscriber too slow: more than ${this.bufferLimit} events buffered; resume with after)`,
      });
    }
  }

  private finish() {
    this.done = true;
    const w = this.waiting;
    this.waiting = null;
    if (w) {
      if (this.final) {
        const f = this.final;
        this.final = null;
        w({ value: f, done: false });
      } else w({ value: undefined, done: true });
    }
    for (const w of this.drainWaiters.splice(0)) w();
    const cb = this.onEnd;
    this.onEnd = null;
    cb?.();
  }

  /** Events waiting to be sent. */
  get queued() {
    return this.queue.length;
  }

  private drainWaiters: (() => boolean)[] = [];
  /** Resolves when at most `limit` events wait (or the subscription ended): replay's back-pressure. */
  drained(limit: number): Promise<void> {
    if (this.done || this.queue.length <= limit) return Promise.resolve();
    return new Promise((resolve) =>
      this.drainWaiters.push(() => {
        if (!this.done && this.queue.length > limit) return false;
        resolve();
        return true;
      }),
    );
  }

  next(): Promise<IteratorResult<SharedResult>> {
    if (this.drainWaiters.length) this.drainWaiters = this.drainWaiters.filter((w) => !w());
    const item = this.queue.shift();
    if (item) {
      this.deliveredCursor = item.cursor;
      return Promise.resolve({ value: item.result, done: false });
    }
    if (this.final) {
      const f = this.final;
      this.final = null;
      return Promise.resolve({ value: f, done: false });
    }
    if (this.done) return Promise.resolve({ value: undefined, done: true });
    return new Promise((resolve) => (this.waiting = resolve));
  }

  return(): Promise<IteratorResult<SharedResult>> {
    this.queue.length = 0;
    this.held = null;
    this.final = null;
    this.finish();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(e?: unknown): Promise<IteratorResult<SharedResult>> {
    void this.return();
    return Promise.reject(e);
  }

  [Symbol.asyncIterator]() {
    return this;
  }
}
