/**
 * Runs a package's `main` as its own process: SIGTERM and SIGINT close it cleanly (servers,
 * relays, pools) before exiting; a start that fails prints why and exits 1.
 */
export function runMain(main: () => Promise<{ close(): Promise<void> }>): void {
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
