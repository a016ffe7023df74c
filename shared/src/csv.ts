import type { ServerResponse } from 'node:http';

/** UTF-8 byte order mark: spreadsheet programs need it to read Chinese text in CSV correctly. */
export const UTF8_BOM = '\uFEFF';

const needsQuotes = /[",\r\n]/;

/** One RFC 4180 line. Cells that a spreadsheet would run as a formula are prefixed with `'`. */
export function csvLine(values: readonly unknown[]): string {
  return (
    values
      .map((v) => {
        if (v == null) return '';
        let s = v instanceof Date ? v.toISOString() : String(v);
        if (/^[=+\-@\t\r]/.test(s) && typeof v === 'string') s = `'${s}`;
        return needsQuotes.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
      })
      .join(',') + '\r\n'
  );
}

/**
 * Streams a CSV download batch by batch, waiting for the socket to drain, so memory holds one
 * batch whatever the export's size. A client that goes away stops the producer.
 */
export async function streamCsv(res: ServerResponse, filename: string, header: readonly string[], batches: AsyncIterable<readonly (readonly unknown[])[]>): Promise<number> {
  res.writeHead(200, {
    'content-type': 'text/csv; charset=utf-8',
    'content-disposition': `attachment; filename="${filename}"`,
    'cache-control': 'no-store',
  });
  let rows = 0;
  // A client that disconnects while the socket is full never emits 'drain': 'close' ends the wait.
  const write = (chunk: string) =>
    res.write(chunk)
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const done = () => {
            res.off('drain', done);
            res.off('close', done);
            resolve();
          };
          res.once('drain', done);
          res.once('close', done);
        });
  await write(UTF8_BOM + csvLine(header));
  for await (const batch of batches) {
    if (res.destroyed) break;
    let chunk = '';
    for (const row of batch) chunk += csvLine(row);
    rows += batch.length;
    await write(chunk);
  }
  res.end();
  return rows;
}
