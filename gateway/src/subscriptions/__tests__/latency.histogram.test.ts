import { LatencyHistogram } from '../latency.histogram';

describe('LatencyHistogram', () => {
  it('reports nulls before anything is recorded', () => {
    expect(new LatencyHistogram().summary()).toEqual({ samples: 0, p50: null, p95: null, p99: null, max: null });
  });

  it('gives percentiles within 5 % of the exact values over many samples', () => {
    const h = new LatencyHistogram();
    const values: number[] = [];
    // A skewed spread like real delivery latencies: most fast, a long tail.
    for (let i = 1; i <= 100_000; i++) {
      const v = i % 100 === 0 ? 200 + (i % 1000) : 1 + ((i * 7919) % 5000) / 100;
      values.push(v);
      h.record(v);
    }
    values.sort((a, b) => a - b);
    const exact = (p: number) => values[Math.ceil(p * values.length) - 1]!;
    const s = h.summary();
    expect(s.samples).toBe(100_000);
    for (const [p, got] of [
      [0.5, s.p50],
      [0.95, s.p95],
      [0.99, s.p99],
    ] as const) {
      expect(got).not.toBeNull();
      expect(Math.abs(got! - exact(p)) / exact(p)).toBeLessThanOrEqual(0.05 + 1e-9);
    }
    expect(s.max).toBe(Math.round(values[values.length - 1]! * 10) / 10);
  });

  it('caps percentiles at the largest value and keeps zero and huge values', () => {
    const h = new LatencyHistogram();
    h.record(0);
    h.record(3);
    h.record(10_000_000);
    const s = h.summary();
    expect(s.p50).toBeLessThanOrEqual(3.2);
    expect(s.max).toBe(10_000_000);
    expect(s.p99).toBeLessThanOrEqual(10_000_000);
  });
});
