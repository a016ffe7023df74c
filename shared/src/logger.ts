import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON logs on stdout; `service` names the process part that wrote the line. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime });
}
