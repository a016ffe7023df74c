import type { DataSource, EntityTarget, ObjectLiteral } from 'typeorm';
import type { ColumnMetadata } from 'typeorm/metadata/ColumnMetadata';
import { runNamed } from './named-query';

/**
 * Column types whose value from pg is already what typeorm's hydration would make of it; every
 * other type (dates, enums, simple-json, …) and every transformer goes through typeorm's own
 * `prepareHydratedValue`, so a row read here equals one read by `find`.
 */
const AS_PG_GIVES = new Set<unknown>(['uuid', 'text', 'varchar', 'character varying', 'int', 'integer', 'int4', 'boolean', 'timestamptz', 'timestamp with time zone']);

export interface RowsByKeysOptions<T> {
  /** The uuid property the keys are matched against. Default `id`. */
  key?: keyof T & string;
  /** Row order (what `find({ order })` would give), by property. Default none. */
  order?: [keyof T & string, 'ASC' | 'DESC'][];
}

/** The readers built so far, per data source and entity/key/order: each is built once. */
const readers = new WeakMap<DataSource, Map<string, unknown>>();

function reader<R>(ds: DataSource, cacheKey: string, build: () => R): R {
  let perDs = readers.get(ds);
  if (!perDs) readers.set(ds, (perDs = new Map()));
  let read = perDs.get(cacheKey) as R | undefined;
  if (!read) perDs.set(cacheKey, (read = build()));
  return read;
}

/**
 * The rows of `entity` whose `key` is one of `keys`, as entity instances equal to what
 * `repository.find({ where: { key: In(keys) }, order })` returns, for the hot loaders behind
 * `_entities` and by-parent lists: the SQL is built once from the entity's metadata and sent as a
 * named statement (parsed and planned once per connection), rows come back as arrays, and no query
 * builder or entity transformer runs per call — those cost several times the statement itself.
 * Statements are still counted and slow or failed ones logged through the data source's logger.
 */
export function rowsByKeys<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>, o: RowsByKeysOptions<T> = {}): (keys: string[]) => Promise<T[]> {
  const key = o.key ?? 'id';
  return reader(ds, `${ds.getMetadata(entity).name}|${key}|${JSON.stringify(o.order ?? [])}`, () => buildReader(ds, entity, key, o.order ?? []));
}

/** Whether rowsByKeys can read `entity` by `key`: a flat class entity (no relations, embeddeds or @AfterLoad), a uuid key. */
export function readsByKeys(ds: DataSource, entity: EntityTarget<ObjectLiteral>, key = 'id'): boolean {
  const meta = ds.getMetadata(entity);
  const flat = !meta.relations.length && !meta.embeddeds.length && !meta.afterLoadListeners.length && typeof meta.target === 'function';
  return flat && meta.columns.some((c) => c.propertyName === key && c.isSelect && !c.isVirtual && c.type === 'uuid');
}

/** What both readers share: the entity's columns, its hydration, and one named statement's run. */
function tableOf<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>, key: string, caller: string) {
  const meta = ds.getMetadata(entity);
  if (!readsByKeys(ds, entity, key)) {
    throw new Error(`${caller} reads flat entities only, by a uuid column; ${meta.name}.${key} is not one (relations, embeddeds, @AfterLoad, no class, or not a uuid)`);
  }
  const columns = meta.columns.filter((c) => c.isSelect && !c.isVirtual);
  const col = (property: string): ColumnMetadata => {
    const c = columns.find((x) => x.propertyName === property);
    if (!c) throw new Error(`${caller}: ${meta.name} has no selectable column for property "${property}"`);
    return c;
  };
  const q = (name: string) => `"${name.replace(/"/g, '""')}"`;
  const table = `${meta.schema ? `${q(meta.schema)}.` : ''}${q(meta.tableName)}`;
  const props = columns.map((c) => c.propertyPath);
  const exact = columns.map((c) => !c.transformer && AS_PG_GIVES.has(c.type));
  const proto = (meta.target as { prototype: object }).prototype;
  const driver = ds.driver;
  const hydrate = (r: unknown[]): T => {
    // As typeorm's find does (fromDeserializer): the class's prototype, no constructor run.
    const e = Object.create(proto) as Record<string, unknown>;
    for (let i = 0; i < props.length; i++) e[props[i]!] = exact[i] ? r[i] : driver.prepareHydratedValue(r[i], columns[i]!);
    return e as T;
  };
  /** `text` as a named statement (runNamed), its rows as entities. */
  const statement =
    (text: string) =>
    async (values: unknown[]): Promise<T[]> =>
      ((await runNamed(ds, text, values, 'array')) as unknown[][]).map(hydrate);
  return { columns, col, q, table, statement };
}

function buildReader<T extends ObjectLiteral>(ds: DataSource, entity: EntityTarget<T>, key: string, order: [string, 'ASC' | 'DESC'][]) {
  // tableOf has checked that the key is a uuid column.
  const { columns, col, q, table, statement } = tableOf(ds, entity, key, 'rowsByKeys');
  const keyColumn = col(key);
  const orderSql = order.length ? ` ORDER BY ${order.map(([p, d]) => `${q(col(p).databaseName)} ${d}`).join(', ')}` : '';
  const run = statement(`SELECT ${columns.map((c) => q(c.databaseName)).join(', ')} FROM ${table} WHERE ${q(keyColumn.databaseName)} = ANY($1::uuid[])${orderSql}`);
  return (keys: string[]): Promise<T[]> => run([keys]);
}

export interface FirstRowsByKeysOptions<T> {
  /** The uuid property rows are grouped by (the parent's id). */
  key: keyof T & string;
  /** The property each group is ordered by, ascending, and paged on: a number column such as a bigserial. */
  seek: keyof T & string;
}

/**
 * For each of `keys`, its first `limit` rows whose `seek` is greater than `after`, ascending by
 * `seek` — one page of every parent's list in one named statement, for by-parent keyset lists
 * such as a request's timeline. Each parent's rows are read through the (key, seek) index and
 * stop at `limit` (LATERAL … LIMIT), however many rows the parent has; ROW_NUMBER() over the
 * whole group read them all. Rows come back ordered by `seek` and equal to what `find` gives.
 */
export function firstRowsByKeys<T extends ObjectLiteral>(
  ds: DataSource,
  entity: EntityTarget<T>,
  o: FirstRowsByKeysOptions<T>,
): (keys: readonly string[], after: number | string, limit: number) => Promise<T[]> {
  return reader(ds, `${ds.getMetadata(entity).name}|first|${o.key}|${o.seek}`, () => {
    const { columns, col, q, table, statement } = tableOf(ds, entity, o.key, 'firstRowsByKeys');
    const key = q(col(o.key).databaseName);
    const seek = q(col(o.seek).databaseName);
    const list = columns.map((c) => `t.${q(c.databaseName)}`).join(', ');
    const run = statement(
      `SELECT ${list} FROM (SELECT DISTINCT k FROM unnest($1::uuid[]) AS u(k)) keys CROSS JOIN LATERAL ` +
        `(SELECT * FROM ${table} r WHERE r.${key} = keys.k AND r.${seek} > $2 ORDER BY r.${seek} LIMIT $3) t ORDER BY t.${seek}`,
    );
    return (keys: readonly string[], after: number | string, limit: number): Promise<T[]> => (keys.length === 0 || limit <= 0 ? Promise.resolve([]) : run([keys, after, limit]));
  });
}
