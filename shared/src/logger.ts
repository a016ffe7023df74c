import pino, { type Logger } from 'pino';
import { traceLogFields } from './tracing/spans';

export type { Logger };

/** JSON logs on stdout; `service` names the process part that wrote the line. */
export function createLogger(service: string, level = 'info'): Logger {
  // traceId (and spanId) of the active span on every line written inside one; nothing with tracing off.
  return pino({ name: service, level, base: { service }, timestamp: pino.stdTimeFunctions.isoTime, mixin: traceLogFields });
}
