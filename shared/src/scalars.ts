import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';

const badValue = (scalar: string, expected: string, got: unknown) => new GraphQLError(`${scalar} expects ${expected}, got ${JSON.stringify(got)}`, { extensions: { code: 'BAD_USER_INPUT' } });

const ISO_DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:?\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value !== 'string' || !ISO_DATETIME.test(value)) throw badValue('DateTime', 'an ISO-8601 date-time with offset, e.g. 2026-05-01T19:30:00+08:00', value);
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) throw badValue('DateTime', 'a real date-time', value);
  return d;
}

/** ISO-8601 instant, always serialised in UTC. */
export const DateTimeScalar = new GraphQLScalarType<Date, string>({
  name: 'DateTime',
  description: 'ISO-8601 date-time, serialised in UTC (e.g. 2026-05-01T11:30:00.000Z)',
  serialize(value) {
    const d = value instanceof Date ? value : new Date(value as string);
    if (Number.isNaN(d.getTime())) throw new GraphQLError(`DateTime cannot represent ${String(value)}`);
    return d.toISOString();
  },
  parseValue: parseDateTime,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badValue('DateTime', 'a string', ast.kind);
    return parseDateTime(ast.value);
  },
});

const CALENDAR_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** `YYYY-MM-DD` if it names a real calendar day, else null. */
export function isCalendarDate(value: unknown): value is string {
  if (typeof value !== 'string') return false;
  const m = CALENDAR_DATE.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!));
  return d.getUTCFullYear() === +m[1]! && d.getUTCMonth() === +m[2]! - 1 && d.getUTCDate() === +m[3]!;
}

function parseCalendarDate(value: unknown): string {
  if (!isCalendarDate(value)) throw badValue('Date', 'a calendar day YYYY-MM-DD', value);
  return value;
}

/** A calendar day (Asia/Shanghai), kept as the string `YYYY-MM-DD` end to end. */
export const CalendarDateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'Calendar day YYYY-MM-DD in Asia/Shanghai',
  serialize(value) {
    if (value instanceof Date) return shanghaiDay(value);
    if (!isCalendarDate(value)) throw new GraphQLError(`Date cannot represent ${String(value)}`);
    return value;
  },
  parseValue: parseCalendarDate,
  parseLiteral(ast) {
    if (ast.kind !== Kind.STRING) throw badValue('Date', 'a string', ast.kind);
    return parseCalendarDate(ast.value);
  },
});

const SHANGHAI_OFFSET_MS = 8 * 3600 * 1000; // China has kept UTC+8 without DST since 1991

/** The Asia/Shanghai calendar day of an instant. */
export function shanghaiDay(at: Date): string {
  return new Date(at.getTime() + SHANGHAI_OFFSET_MS).toISOString().slice(0, 10);
}

/** The first instant of a Shanghai calendar day. */
export function shanghaiDayStart(day: string): Date {
  return new Date(Date.parse(`${day}T00:00:00+08:00`));
}

/** The first instant after a Shanghai calendar day (exclusive end). */
export function shanghaiDayEnd(day: string): Date {
  return new Date(shanghaiDayStart(day).getTime() + 24 * 3600 * 1000);
}
