import type { QueryRunner } from 'typeorm';

/** Rows per INSERT: ~500 keeps every statement far below Postgres' 65,535 parameters. */
export const CHUNK_ROWS = 500;

/**
 * Inserts `rows` into `table` (schema-qualified) with multi-row INSERT statements of at most
 * CHUNK_ROWS rows each; returns the number of rows written.
 */
export async function bulkInsert(runner: QueryRunner, table: string, columns: readonly string[], rows: readonly unknown[][]): Promise<number> {
  for (let start = 0; start < rows.length; start += CHUNK_ROWS) {
    const chunk = rows.slice(start, start + CHUNK_ROWS);
    const params: unknown[] = [];
    const tuples = chunk.map((row) => {
      if (row.length !== columns.length) throw new Error(`bulkInsert ${table}: expected ${columns.length} values per row, got ${row.length}`);
      return `(${row.map((v) => `$${params.push(v)}`).join(', ')})`;
    });
    await runner.query(`INSERT INTO ${table} (${columns.join(', ')}) VALUES ${tuples.join(', ')}`, params);
  }
  return rows.length;
}
