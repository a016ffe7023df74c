/**
 * Durations (ms) in log-spaced buckets, counted since the process started: fixed memory however
 * many deliveries there are (a 10,000-subscriber fan-out records millions), and percentiles within
 * one bucket's width (5 %) of the exact value.
 */
export class LatencyHistogram {
  private static readonly MIN_MS = 0.01;
  private static readonly GROWTH = 1.05;
  private static readonly LOG_GROWTH = Math.log(LatencyHistogram.GROWTH);
  // 0.01 ms · 1.05^330 ≈ 100 s: anything slower lands in the last bucket.
  private readonly buckets = new Float64Array(331);
  private count = 0;
  private maxMs = 0;

  record(ms: number) {
    const v = ms > LatencyHistogram.MIN_MS ? ms : LatencyHistogram.MIN_MS;
    const i = Math.min(this.buckets.length - 1, Math.floor(Math.log(v / LatencyHistogram.MIN_MS) / LatencyHistogram.LOG_GROWTH));
    this.buckets[i]!++;
    this.count++;
    if (ms > this.maxMs) this.maxMs = ms;
  }

  /** Upper edge of the bucket holding the p-th sample, capped by the largest value seen. */
  private at(p: number): number {
    const rank = Math.max(1, Math.ceil(p * this.count));
    let seen = 0;
    for (let i = 0; i < this.buckets.length; i++) {
      seen += this.buckets[i]!;
      if (seen >= rank) return round(Math.min(this.maxMs, LatencyHistogram.MIN_MS * LatencyHistogram.GROWTH ** (i + 1)));
    }
    return round(this.maxMs);
  }

  /** p50/p95/p99/max since start, ms rounded to 0.1; nulls when nothing was recorded. */
  summary(): { samples: number; p50: number | null; p95: number | null; p99: number | null; max: number | null } {
    if (!this.count) return { samples: 0, p50: null, p95: null, p99: null, max: null };
    return { samples: this.count, p50: this.at(0.5), p95: this.at(0.95), p99: this.at(0.99), max: round(this.maxMs) };
  }
}

const round = (ms: number) => Math.round(ms * 10) / 10;
