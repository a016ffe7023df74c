import type { z } from 'zod';

/**
 * One field of an event message, declared once: how the bus payload decodes it, its GraphQL type
 * on the event's object type, and where the event table keeps it. The decoder, the message type,
 * the row mapper, the replay query, the gateway's Subscription SDL and its field bindings are all
 * read from these declarations (see topics.ts), so a new field is one line there.
 */
export interface EventField<Z extends z.ZodTypeAny = z.ZodTypeAny> {
  zod: Z;
  /**
   * The field's GraphQL type, e.g. `ID!`; its named type also says how a row value is converted
   * (ID/String -> string, Int -> number, Boolean -> boolean, DateTime -> Date, enums as stored).
   */
  graphql: string;
  /** The event table's column; default the name in snake_case. null: not stored (cursor, traceparent). */
  column?: string | null;
  /** Carried for routing or as a key only, not a field of the GraphQL type (seq, planId). */
  hidden?: boolean;
  /** The GraphQL field this key resolves through the supergraph, e.g. issueId -> `issue: Issue!`. */
  entity?: { field: string; type: string };
}

export type EventFields = Record<string, EventField>;

export const eventField = <Z extends z.ZodTypeAny>(zod: Z, graphql: string, more: Omit<EventField, 'zod' | 'graphql'> = {}): EventField<Z> => ({ zod, graphql, ...more });

/** The zod shape of a field list (z.object of it decodes the message). */
export type ShapeOf<F extends EventFields> = { [K in keyof F]: F[K]['zod'] };

export function shapeOf<F extends EventFields>(fields: F): ShapeOf<F> {
  return Object.fromEntries(Object.entries(fields).map(([k, f]) => [k, f.zod])) as ShapeOf<F>;
}

/** One row of an event table as pg returns it (bigint columns arrive as strings). */
export type EventRow = Record<string, unknown> & { seq: string | number };

const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

/** The named type of a GraphQL type reference: `[ID!]!` -> `ID`. */
export const namedType = (graphql: string) => graphql.replace(/[[\]!]/g, '');

export const columnOf = (name: string, f: EventField): string | null => (f.column === undefined ? snake(name) : f.column);

function fromColumn(graphql: string): (v: unknown) => unknown {
  switch (namedType(graphql)) {
    case 'ID':
    case 'String':
      return (v) => String(v);
    case 'Int':
    case 'Float':
      return (v) => Number(v);
    case 'Boolean':
      return (v) => Boolean(v);
    case 'DateTime':
      return (v) => (v instanceof Date ? v : new Date(String(v)));
    default:
      return (v) => v;
  }
}

/**
 * A row of an event table -> its topic's message: every stored field from its column (null stays
 * null), and the cursor from seq. `cursor` is given, not imported, to keep this module free of the
 * pagination code.
 */
export function rowMapper<M>(fields: EventFields, cursor: (seq: number) => string): (row: EventRow) => M {
  const read = Object.entries(fields).flatMap(([name, f]) => {
    const column = columnOf(name, f);
    if (column === null) return [];
    const convert = fromColumn(f.graphql);
    return [{ name, column, convert }];
  });
  const hasCursor = 'cursor' in fields;
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const r of read) {
      const v = row[r.column];
      out[r.name] = v == null ? null : r.convert(v);
    }
    if (hasCursor) out.cursor = cursor(Number(row.seq));
    return out as M;
  };
}

/** A field of an event's GraphQL object type: a value the message carries, or an entity by key. */
export type GraphqlField = { kind: 'scalar'; name: string; type: string } | { kind: 'entity'; name: string; type: string; key: string };

/** The GraphQL fields of an event type, in declaration order. */
export function graphqlFields(fields: EventFields): GraphqlField[] {
  return Object.entries(fields).flatMap(([name, f]): GraphqlField[] => {
    const own: GraphqlField[] = f.hidden ? [] : [{ kind: 'scalar', name, type: f.graphql }];
    if (!f.entity) return own;
    // The entity is as nullable as its key: no key, nothing to resolve.
    const entity: GraphqlField = { kind: 'entity', name: f.entity.field, type: f.zod.isNullable() || f.zod.isOptional() ? f.entity.type : `${f.entity.type}!`, key: name };
    return [...own, entity];
  });
}
