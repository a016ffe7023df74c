import { SpanKind, trace } from '@opentelemetry/api';
import { endSpan, startSpan, tracingEnabled } from './spans';

type Query = (...args: unknown[]) => unknown;

let installed: { proto: { query: Query }; original: Query } | null = null;

const statementOf = (arg: unknown): string | null => (typeof arg === 'string' ? arg : arg && typeof (arg as { text?: unknown }).text === 'string' ? (arg as { text: string }).text : null);

/** `SELECT`, `INSERT`, … — the span name, as the database semantic conventions suggest. */
const operationOf = (sql: string) => /^\s*([a-z]+)/i.exec(sql)?.[1]?.toUpperCase() ?? 'SQL';

/**
 * One client span per SQL statement, child of whatever span is active when the statement is sent
 * (a subgraph request, an outbox write); statements sent outside any span are not traced. Installed by startTracing() only: with tracing
 * off pg's `Client.prototype.query` stays untouched. Covers typeorm's pool and the relay's own
 * client (both the one hoisted `pg`); streamed queries (Submittable) pass through untraced.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports -- the default resolves the hoisted pg at call time (tests pass their own)
export function instrumentPg(pg: { Client: { prototype: { query: Query } } } = require('pg')): void {
  if (installed) return;
  const proto = pg.Client.prototype;
  const original = proto.query;
  proto.query = function tracedQuery(this: unknown, ...args: unknown[]) {
    const sql = statementOf(args[0]);
    // Only inside a span: the relay's 100 ms polls and the sweeps' probes would otherwise be a
    // root trace each, burying the requests' traces.
    if (!tracingEnabled() || sql === null || typeof (args[0] as { submit?: unknown }).submit === 'function' || !trace.getActiveSpan()) return original.apply(this, args);
    const span = startSpan(operationOf(sql), {
      kind: SpanKind.CLIENT,
      attributes: { 'db.system.name': 'postgresql', 'db.system': 'postgresql', 'db.query.text': sql.length > 2000 ? `${sql.slice(0, 2000)}…` : sql },
    });
    const cb = args.findIndex((a, i) => i > 0 && typeof a === 'function');
    if (cb >= 0) {
      const done = args[cb] as (err: unknown, res: unknown) => void;
      args[cb] = (err: unknown, res: unknown) => {
        endSpan(span, err);
        done(err, res);
      };
      return original.apply(this, args);
    }
    let result: unknown;
    try {
      result = original.apply(this, args);
    } catch (e) {
      endSpan(span, e);
      throw e;
    }
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      (result as Promise<unknown>).then(
        () => endSpan(span),
        (e) => endSpan(span, e),
      );
    } else endSpan(span);
    return result;
  };
  installed = { proto, original };
}

/** Puts pg's own query back (shutdown, tests). */
export function uninstrumentPg(): void {
  if (!installed) return;
  installed.proto.query = installed.original;
  installed = null;
}
