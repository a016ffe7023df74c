import { Field, Int, ObjectType, Directive, type ClassType } from 'type-graphql';
import type { EntityTarget, ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { readsByKeys, rowsByKeys } from './entity-rows';
import { BadUserInputError } from './errors';
import { isStorableText } from './text';

/** Contract: `first <= 100`. */
export const MAX_PAGE_SIZE = 100;

@Directive('@shareable')
@ObjectType()
export class PageInfo {
  @Field()
  hasNextPage!: boolean;

  @Field(() => String, { nullable: true })
  endCursor!: string | null;
}

export interface Page<T> {
  edges: { node: T; cursor: string }[];
  pageInfo: PageInfo;
  totalCount?: number;
}

/** The connection and edge types of one node type, named as the contract names them. */
export function connectionTypes<T extends ClassType>(name: string, node: T, options: { totalCount?: boolean } = {}) {
  @ObjectType(`${name}Edge`)
  class Edge {
    @Field(() => node)
    node!: InstanceType<T>;

    @Field()
    cursor!: string;
  }

  if (options.totalCount === false) {
    @ObjectType(`${name}Connection`)
    class ConnectionWithoutCount {
      @Field(() => [Edge])
      edges!: Edge[];

      @Field(() => PageInfo)
      pageInfo!: PageInfo;
    }
    return { Edge, Connection: ConnectionWithoutCount as unknown as ClassType<Page<InstanceType<T>>> };
  }

  @ObjectType(`${name}Connection`)
  class Connection {
    @Field(() => [Edge])
    edges!: Edge[];

    @Field(() => PageInfo)
    pageInfo!: PageInfo;

    @Field(() => Int)
    totalCount!: number;
  }
  return { Edge, Connection: Connection as unknown as ClassType<Page<InstanceType<T>>> };
}

/** Validated page size: 0..100, default as the contract's argument default. */
export function pageSize(first: number | null | undefined, fallback = 20): number {
  const n = first ?? fallback;
  if (!Number.isInteger(n) || n < 0 || n > MAX_PAGE_SIZE) {
    throw new BadUserInputError('first', `first 必须在 0 到 ${MAX_PAGE_SIZE} 之间 (first must be 0..${MAX_PAGE_SIZE}, got ${first})`);
  }
  return n;
}

export type CursorValue = string | number;

export function encodeCursor(values: CursorValue[]): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})$/;

/**
 * Does a cursor value fit the SQL type it will be cast to? A cursor is client input: a value
 * that does not fit would otherwise reach PostgreSQL, whose error names the column and the value.
 */
function fitsCast(value: CursorValue, cast: string): boolean {
  switch (cast) {
    case 'uuid':
      return typeof value === 'string' && UUID.test(value);
    case 'timestamptz':
      return typeof value === 'string' && ISO_INSTANT.test(value) && !Number.isNaN(Date.parse(value));
    case 'bigint':
    case 'int':
    case 'integer':
      return (typeof value === 'number' && Number.isSafeInteger(value)) || (typeof value === 'string' && /^-?\d{1,18}$/.test(value));
    default:
      return typeof value === 'string' ? isStorableText(value) : Number.isFinite(value);
  }
}

/**
 * Opaque cursor -> its sort-key values; anything else is BAD_USER_INPUT on `field`. `shape` is
 * the number of values, or the SQL cast of each (then every value must fit its type).
 */
export function decodeCursor(cursor: string | null | undefined, shape: number | readonly string[], field = 'after'): CursorValue[] | null {
  if (cursor == null || cursor === '') return null;
  const casts = typeof shape === 'number' ? null : shape;
  const length = casts ? casts.length : (shape as number);
  try {
    // A cursor we issued is short; anything long is not ours, so not worth decoding.
    if (cursor.length <= 512) {
      const values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as unknown;
      if (Array.isArray(values) && values.length === length && values.every((v, i) => (typeof v === 'string' || typeof v === 'number') && (!casts || fitsCast(v, casts[i]!)))) {
        return values as CursorValue[];
      }
    }
  } catch {
    /* fall through */
  }
  throw new BadUserInputError(field, `无效的游标 (invalid cursor ${JSON.stringify(cursor.slice(0, 100))})`);
}

/** Sort keys of a keyset page; all in one direction so a row-value comparison serves the cursor. */
export interface Keyset<T> {
  /** SQL expressions, e.g. ['s.scheduled_at', 's.id']. */
  columns: string[];
  direction: 'ASC' | 'DESC';
  /** The cursor values of a row, in `columns` order. Dates travel as ISO strings. */
  valuesOf: (row: T) => CursorValue[];
  /** SQL cast for each cursor value, e.g. ['timestamptz', 'uuid']. */
  casts: string[];
}

/** Column alias of the total read beside a first page's rows. */
const TOTAL_ALIAS = '__plaza_total';

/**
 * Runs a keyset-paginated query: the page (first + 1 rows to learn hasNextPage) and the total.
 * A first page (no cursor) of a query without joins is one statement, the total read beside the
 * rows by `COUNT(*) OVER ()` (computed before LIMIT; no rows means a total of 0); after a cursor
 * the page is filtered by it and the total is not, so they are two statements. Stable under
 * concurrent inserts: a cursor names a position in the sort order, not an offset.
 */
export async function keysetPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  keyset: Keyset<T>,
  args: { first?: number | null; after?: string | null },
  options: { defaultFirst?: number; withTotal?: boolean } = {},
): Promise<Page<T> & { totalCount: number }> {
  const first = pageSize(args.first, options.defaultFirst);
  const after = decodeCursor(args.after, keyset.casts);
  const page = qb.clone();
  if (after) {
    const op = keyset.direction === 'DESC' ? '<' : '>';
    const lhs = `(${keyset.columns.join(', ')})`;
    const rhs = `(${after.map((_, i) => `CAST(:__k${i} AS ${keyset.casts[i]})`).join(', ')})`;
    page.andWhere(`${lhs} ${op} ${rhs}`, Object.fromEntries(after.map((v, i) => [`__k${i}`, v])));
  }
  page.orderBy();
  for (const c of keyset.columns) page.addOrderBy(c, keyset.direction);
  if (!after && first > 0 && options.withTotal !== false && page.expressionMap.joinAttributes.length === 0) {
    const { entities, raw } = await page
      .addSelect('COUNT(*) OVER ()', TOTAL_ALIAS)
      .limit(first + 1)
      .getRawAndEntities<Record<string, unknown>>();
    return toPage(entities, first, (r) => encodeCursor(keyset.valuesOf(r)), entities.length ? Number(raw[0]![TOTAL_ALIAS]) : 0);
  }
  // Both statements start together; awaiting them as one means a failing page query never
  // leaves the count's rejection unhandled (that once stopped every process).
  const [rows, totalCount] = await Promise.all([
    first === 0 ? Promise.resolve([] as T[]) : page.limit(first + 1).getMany(),
    options.withTotal === false ? Promise.resolve(-1) : qb.clone().orderBy().getCount(),
  ]);
  return toPage(rows, first, (r) => encodeCursor(keyset.valuesOf(r)), totalCount);
}

export function toPage<T>(rows: T[], first: number, cursorOf: (row: T) => string, totalCount: number): Page<T> & { totalCount: number } {
  const hasNextPage = rows.length > first;
  const edges = rows.slice(0, first).map((node) => ({ node, cursor: cursorOf(node) }));
  return { edges, pageInfo: { hasNextPage, endCursor: edges.length ? edges[edges.length - 1]!.cursor : null }, totalCount };
}

/**
 * Keyset pages for many parents at once (e.g. `Community.sessions(first: 5)` for each community
 * of a list), a fixed number of statements per batch whatever the number of parents: the ids of
 * each parent's first `first + 1` rows by ROW_NUMBER() — with each parent's total beside them by
 * COUNT(*) OVER (PARTITION BY parent) on a first page — then those rows; after a cursor the
 * totals (not filtered by it) are a third statement. One parent alone (a detail view) is a plain
 * keyset page: one statement on a first page.
 * `qb` selects the child entity, already filtered by everything but the parent.
 */
export async function partitionedKeysetPage<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  partitionColumn: string,
  parentOf: (row: T) => string,
  parentIds: string[],
  keyset: Keyset<T>,
  args: { first?: number | null; after?: string | null },
  options: { defaultFirst?: number } = {},
): Promise<Map<string, Page<T> & { totalCount: number }>> {
  const first = pageSize(args.first, options.defaultFirst);
  const after = decodeCursor(args.after, keyset.casts);
  const alias = qb.alias;
  const base = qb.clone().andWhere(`${partitionColumn} IN (:...__parents)`, { __parents: parentIds });
  if (parentIds.length === 1) return new Map([[parentIds[0]!, await keysetPage(base, keyset, args, options)]]);
  // On a first page every parent with rows has its first row among the ranked ones, so the
  // totals can ride along; after a cursor the ranked rows are filtered by it and the totals not.
  const totalsAlong = !after && first > 0;
  const counts = totalsAlong ? null : await base.clone().select(`${partitionColumn}`, 'pid').addSelect('COUNT(*)', 'n').orderBy().groupBy(partitionColumn).getRawMany<{ pid: string; n: string }>();

  const ranked = base.clone().orderBy();
  if (after) {
    const op = keyset.direction === 'DESC' ? '<' : '>';
    ranked.andWhere(`(${keyset.columns.join(', ')}) ${op} (${after.map((_, i) => `CAST(:__k${i} AS ${keyset.casts[i]})`).join(', ')})`, Object.fromEntries(after.map((v, i) => [`__k${i}`, v])));
  }
  const order = keyset.columns.map((c) => `${c} ${keyset.direction}`).join(', ');
  ranked.select(`${alias}.id`, 'id').addSelect(`ROW_NUMBER() OVER (PARTITION BY ${partitionColumn} ORDER BY ${order})`, 'rn');
  if (totalsAlong) ranked.addSelect(`${partitionColumn}`, 'pid').addSelect(`COUNT(*) OVER (PARTITION BY ${partitionColumn})`, 'n');
  const [sql, params] = ranked.getQueryAndParameters();
  const picked: { id: string; pid?: string; n?: string }[] =
    first === 0 ? [] : await qb.connection.query(`SELECT id${totalsAlong ? ', pid, n' : ''} FROM (${sql}) ranked WHERE rn <= ${first + 1}`, params);
  const ids = picked.map((r) => r.id);

  const rows = ids.length ? await rowsWithIds(qb, ids) : [];
  const sorted = rows.sort((a, b) => compareKeys(keyset.valuesOf(a), keyset.valuesOf(b)) * (keyset.direction === 'DESC' ? -1 : 1));
  const byParent = new Map<string, T[]>();
  for (const r of sorted) {
    const p = parentOf(r);
    const list = byParent.get(p);
    if (list) list.push(r);
    else byParent.set(p, [r]);
  }
  const totals = new Map((counts ?? picked).map((c) => [String(c.pid), Number(c.n)]));
  return new Map(parentIds.map((p) => [p, toPage(byParent.get(p) ?? [], first, (r) => encodeCursor(keyset.valuesOf(r)), totals.get(p) ?? 0)]));
}

/**
 * The rows behind ids that `qb`'s own filters just chose: read by key alone through rowsByKeys
 * (a prepared statement, no query builder or entity transformer) when `qb` selects exactly its
 * flat entity with no join; otherwise through `qb` itself.
 */
function rowsWithIds<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, ids: string[]): Promise<T[]> {
  const em = qb.expressionMap;
  const target = em.mainAlias?.hasMetadata ? em.mainAlias.metadata.target : null;
  const plain = target && em.selects.length === 1 && em.selects[0]!.selection === qb.alias && !em.joinAttributes.length && readsByKeys(qb.connection, target);
  if (plain) return rowsByKeys(qb.connection, target as EntityTarget<T>)(ids);
  return qb.clone().orderBy().andWhere(`${qb.alias}.id IN (:...__ids)`, { __ids: ids }).getMany();
}

function compareKeys(a: CursorValue[], b: CursorValue[]): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i]! < b[i]!) return -1;
    if (a[i]! > b[i]!) return 1;
  }
  return 0;
}

/** An empty page, for parents that have nothing. */
export const emptyPage = <T>(): Page<T> & { totalCount: number } => ({ edges: [], pageInfo: { hasNextPage: false, endCursor: null }, totalCount: 0 });

/** Rows per statement of an export. Default 1,000: one batch is all an export holds in memory. */
export const EXPORT_BATCH_SIZE = 1000;

/**
 * Walks a whole filtered query in keyset order, one statement per batch, so an export of any size
 * holds one batch at a time. Same sort keys and row-value comparison as `keysetPage`, without its
 * `first <= 100` limit and without a total count.
 * The cursor is each sort key as Postgres prints it (`::text`), not `keyset.valuesOf`: a JS Date
 * keeps milliseconds only, and a timestamp with microseconds cut at a batch boundary would make
 * the next batch skip the rows that share its millisecond. An export must not lose rows.
 */
export async function* keysetBatches<T extends ObjectLiteral>(qb: SelectQueryBuilder<T>, keyset: Keyset<T>, size = EXPORT_BATCH_SIZE): AsyncGenerator<T[]> {
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
