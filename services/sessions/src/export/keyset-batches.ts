import type { Keyset } from '@plaza/shared';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';

/** Rows per statement of an export. Default 1,000: one batch is all an export holds in memory. */
export const EXPORT_BATCH_SIZE = 1000;

/**
 * Walks a whole filtered query in keyset order, one statement per batch, so an export of any size
 * holds one batch at a time. Same sort keys and cursor comparison as `keysetPage`, without its
 * `first <= 100` limit and without a total count.
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
  let after: (string | number)[] | null = null;
  for (;;) {
    const page = qb.clone().orderBy();
    if (after) page.andWhere(`${lhs} ${op} ${rhs}`, Object.fromEntries(after.map((v, i) => [`__b${i}`, v])));
    for (const c of keyset.columns) page.addOrderBy(c, keyset.direction);
    const rows = await page.limit(size).getMany();
    if (rows.length) yield rows;
    if (rows.length < size) return;
    after = keyset.valuesOf(rows[rows.length - 1]!);
  }
}
