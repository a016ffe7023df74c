import type { Keyset } from '@plaza/shared';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** Rows per statement of an export. Default 1,000: one batch is all an export holds in memory. */
export const EXPORT_BATCH_SIZE = 1000;

/**
 * Walks a whole filtered query in keyset order, one statement per batch, so an export of any size
 * holds one batch at a time. Same sort keys and row-value comparison as `keysetPage`, without its
 * `first <= 100` limit and without a total count.
 * The cursor is each sort key as Postgres prints it (`::text`), not `keyset.valuesOf`: a JS Date
 * keeps milliseconds only, and a timestamp with microseconds cut at a batch boundary would make
 * the next batch skip the rows that share its millisecond. An export must not lose rows.
 * (A shared helper beside `keysetPage` in @plaza/shared would serve every service.)
 */
export async function* keysetBatches<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  keyset: Keyset<T>,
  size = EXPORT_BATCH_SIZE,
): AsyncGenerator<T[]> {
  const op = keyset.direction === 'DESC' ? '<' : '>';
  const lhs = `(${keyset.columns.join(', ')})`;
  const rhs = `(${keyset.casts.map((cast, i) => `CAST(:__b${i} AS ${cast})`).join(', ')})`;
  let after: string[] | null = null;
  for (;;) {
    const page = qb.clone().orderBy();
    keyset.columns.forEach((c, i) => page.addSelect(`${c}::text`, `__cursor${i}`));
    if (after) page.andWhere(`${lhs} ${op} ${rhs}`, Object.fromEntries(after.map((v, i) => [`__b${i}`, v])));
    for (const c of keyset.columns) page.addOrderBy(c, keyset.direction);
    const { entities, raw } = await page.limit(size).getRawAndEntities<Record<string, string>>();
    // Holds while `qb` has no joins, which would also make LIMIT count joined rows.
    if (raw.length !== entities.length) throw new Error(`keysetBatches needs a query without joins (${raw.length} rows for ${entities.length} entities)`);
    if (entities.length) yield entities;
    if (entities.length < size) return;
    const last = raw[raw.length - 1]!;
    after = keyset.columns.map((_, i) => last[`__cursor${i}`]!);
  }
}
