import type { Logger } from 'pino';
import type { SweepRun } from './metrics';

export interface PeriodicJob {
  /** One run now (skipped, returning 0, while the timer's run is still going). */
  runOnce(): Promise<number>;
  /** Stops the timer and waits for a run in progress. */
  stop(): Promise<void>;
}

export interface PeriodicJobOptions {
  /** What one run does; resolves with how many rows it changed. */
  run: () => Promise<number>;
  intervalMs: number;
  log?: Logger;
  /** Logged (info) after a run that changed something, with `{ [countKey]: n }`. */
  doneMessage: string;
  countKey: string;
  /** Logged (error) when a run fails; the next tick tries again. */
  failedMessage: string;
  /** Told after every run (metrics: plaza_sweep_*). */
  onRun?: (run: SweepRun) => void;
}

/**
 * A sweep every `intervalMs`, once at start: never two runs at once in this process (replicas
 * coordinate through row locks in the run itself), a failed run is logged and retried on the
 * next tick, and `stop` waits for the run in progress.
 */
export function startPeriodicJob(o: PeriodicJobOptions): PeriodicJob {
  let running: Promise<number> | null = null;
  let stopped = false;
  const runOnce = () => {
    if (stopped) return Promise.resolve(0);
    if (running) return running.then(() => 0);
    const started = performance.now();
    const report = (ok: boolean, count: number) => o.onRun?.({ ok, count, seconds: (performance.now() - started) / 1000 });
    running = o
      .run()
      .then((n) => {
        report(true, n);
        if (n) o.log?.info({ [o.countKey]: n }, o.doneMessage);
        return n;
      })
      .catch((err) => {
        report(false, 0);
        o.log?.error({ err }, o.failedMessage);
        return 0;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };
  const timer = setInterval(() => void runOnce(), o.intervalMs);
  timer.unref();
  void runOnce();
  return {
    runOnce,
    async stop() {
      stopped = true;
      clearInterval(timer);
      await running;
    },
  };
}
