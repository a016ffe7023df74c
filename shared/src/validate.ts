import { z } from 'zod';
import { BadUserInputError } from './errors';
import { isCalendarDate } from './scalars';

/**
 * Parses a mutation's input with zod; the first problem becomes BAD_USER_INPUT naming its field
 * (`input.title`), every problem is listed in the message.
 */
export function parseInput<S extends z.ZodTypeAny>(schema: S, value: unknown, prefix = 'input'): z.infer<S> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  const issues = result.error.issues;
  const name = (i: z.ZodIssue) => [prefix, ...i.path].filter((p) => p !== '').join('.');
  const message = issues.map((i) => `${name(i)}: ${i.message}`).join('; ');
  throw new BadUserInputError(name(issues[0]!), message);
}

/** Trimmed text, 1..max characters (counted as code points, so Chinese counts one per character). */
export const text = (max: number, min = 1) =>
  z
    .string()
    .transform((s) => s.trim())
    .refine((s) => [...s].length >= min, { message: min === 1 ? '不能为空 (must not be empty)' : `至少 ${min} 个字符 (at least ${min} characters)` })
    .refine((s) => [...s].length <= max, { message: `不能超过 ${max} 个字符 (at most ${max} characters)` });

/** Optional text: null/undefined/blank become null. */
export const optionalText = (max: number) =>
  z
    .string()
    .nullish()
    .transform((s) => (s == null || s.trim() === '' ? null : s.trim()))
    .refine((s) => s == null || [...s].length <= max, { message: `不能超过 ${max} 个字符 (at most ${max} characters)` });

export const count = (max = 1_000_000) => z.number().int('必须是整数 (must be an integer)').min(0, '不能为负数 (must be >= 0)').max(max, `不能超过 ${max} (at most ${max})`);

export const calendarDay = () => z.string().refine(isCalendarDate, { message: '必须是 YYYY-MM-DD 日期 (must be a calendar day YYYY-MM-DD)' });

export const id = () => z.string().uuid('无效的 ID (not a valid id)');
export const optionalId = () =>
  z
    .string()
    .uuid('无效的 ID (not a valid id)')
    .nullish()
    .transform((v) => v ?? null);

/** Checks one argument outside an input object. */
export function checkArg<S extends z.ZodTypeAny>(field: string, schema: S, value: unknown): z.infer<S> {
  return parseInput(schema, value, field);
}
