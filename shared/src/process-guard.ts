/**
 * Process-wide safety nets. Every unhandled rejection is a bug, but one failing request must
 * never stop a process that serves everybody else: it is logged (with its stack, as
 * "unhandled rejection", which the hostile suite looks for) and counted, and the process goes on.
 * An uncaught exception may have left shared state half-changed, so a process of its own exits
 * (its supervisor — `npm start`, Kubernetes — restarts it); inside the one-process `npm start`
 * it is logged and the process goes on, since there is no supervisor to bring the rest back.
 */
export interface ProcessFaults {
  unhandledRejections: number;
  uncaughtExceptions: number;
}

export const processFaults: ProcessFaults = { unhandledRejections: 0, uncaughtExceptions: 0 };

interface FaultLog {
  error(obj: object, msg: string): void;
  fatal(obj: object, msg: string): void;
}

const consoleLog: FaultLog = {
  error: (obj, msg) => console.error(msg, obj),
  fatal: (obj, msg) => console.error(msg, obj),
};

let installed = false;

export function guardProcess(options: { log?: FaultLog; onUncaught?: 'exit' | 'log' } = {}): void {
  if (installed) return;
  installed = true;
  const log = options.log ?? consoleLog;
  process.on('unhandledRejection', (reason) => {
    processFaults.unhandledRejections++;
    log.error({ err: reason }, 'unhandled rejection (a bug: a promise failed with nobody to handle it)');
  });
  process.on('uncaughtException', (err) => {
    processFaults.uncaughtExceptions++;
    log.fatal({ err }, 'uncaught exception');
    if (options.onUncaught !== 'log') {
      process.exitCode = 1;
      // Lets the log line leave before the process goes.
      setTimeout(() => process.exit(1), 100).unref();
    }
  });
}
