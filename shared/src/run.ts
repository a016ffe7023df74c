import { createLogger } from './logger';
import { guardProcess } from './process-guard';

/**
 * Runs a package's `main` as its own process: SIGTERM and SIGINT close it cleanly (servers,
 * relays, pools) before exiting; a start that fails prints why and exits 1. An unhandled
 * rejection is logged and counted, never fatal (process-guard.ts).
 */
export function runMain(main: () => Promise<{ close(): Promise<void> }>): void {
  // Faults are logged whatever LOG_LEVEL says: they are bugs someone must see.
  guardProcess({ log: createLogger('process', 'error'), onUncaught: 'exit' });
  main().then(
    (running) => {
      const stop = () => void running.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
