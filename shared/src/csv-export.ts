import type { IncomingMessage } from 'node:http';
import type { Logger } from 'pino';
import { streamCsv } from './csv';
import { BadUserInputError, PlazaError } from './errors';
import { sendJson, type Route } from './http';
import { verifyIdentity } from './identity';
import { requireRole } from './viewer';

type CsvRows = AsyncIterable<readonly (readonly unknown[])[]>;

export interface CsvExport {
  /** Suggested download name, e.g. `sessions.csv`. */
  filename: string;
  header: readonly string[];
  /**
   * Query string -> the rows to stream. Must validate everything before returning (throwing
   * BadUserInputError naming the parameter): once the CSV has started, the status is 200.
   */
  open(params: URLSearchParams): CsvRows;
}

const STATUS: Record<string, number> = { UNAUTHENTICATED: 401, FORBIDDEN: 403 };

/**
 * A GET route streaming one CSV export to an ANALYST or ADMIN. Routes bypass the GraphQL context,
 * so the gateway's signed identity is checked here; refusals answer JSON in the GraphQL error shape.
 */
export function csvExportRoute(o: { gatewaySecret: string; log: Logger; export: CsvExport }): Route {
  return async (req: IncomingMessage, res, url) => {
    let rows: CsvRows;
    let viewerId: string | null;
    try {
      const viewer = verifyIdentity((h) => req.headers[h] as string | undefined, o.gatewaySecret);
      viewerId = viewer.id;
      requireRole(viewer, 'ANALYST');
      rows = o.export.open(url.searchParams);
    } catch (e) {
      if (!(e instanceof PlazaError)) throw e;
      return sendJson(res, STATUS[e.code] ?? 400, { errors: [{ message: e.message, extensions: e.extensions }] });
    }
    const started = Date.now();
    try {
      const count = await streamCsv(res, o.export.filename, o.export.header, rows);
      o.log.info({ export: o.export.filename, viewer: viewerId, query: url.search, rows: count, ms: Date.now() - started }, 'csv export');
    } catch (e) {
      if (!res.headersSent) throw e;
      // A 200 already went out: cut the chunked body so the client sees a failed download, not a short file.
      o.log.error({ err: e, export: o.export.filename, viewer: viewerId }, 'csv export failed mid-stream');
      res.destroy(e as Error);
    }
  };
}

/**
 * The query string as named filters. Unknown or repeated parameters are refused: a misspelt
 * filter silently exporting everything is worse than an error.
 */
export function queryParams<K extends string>(params: URLSearchParams, names: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  for (const key of new Set(params.keys())) {
    if (!names.includes(key as K)) throw new BadUserInputError(key, `未知的筛选条件 ${key} (unknown parameter ${key}; expected one of ${names.join(', ')})`);
    const values = params.getAll(key);
    if (values.length > 1) throw new BadUserInputError(key, `筛选条件 ${key} 只能出现一次 (parameter ${key} given ${values.length} times)`);
    if (values[0] !== '') out[key as K] = values[0]!;
  }
  return out;
}

/** An instant as Asia/Shanghai wall-clock time, `YYYY-MM-DD HH:mm:ss`, which spreadsheets read as a date-time. */
export function shanghaiDateTime(at: Date | null): string | null {
  if (!at) return null;
  return new Date(at.getTime() + 8 * 3600 * 1000).toISOString().slice(0, 19).replace('T', ' ');
}
