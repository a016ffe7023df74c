import { z } from 'zod';

/**
 * The screen's and the explorer's settings. Read here, beside the code that uses them, because
 * gateway/src/env.ts belongs to the gateway's foundation; createGatewayServer takes them as deps
 * first, this is only the default when none are given.
 * - PLAZA_SCREEN_TOKEN: a JWT with role SCREEN, written into the /screen page (read-only, public
 *   fields). Unset: the screen reads anonymously.
 * - PLAZA_PUBLIC_URL: the address phones reach the gateway at, for the QR code. Unset: the Host
 *   header of the screen's own request.
 * - PLAZA_GRAPHIQL=1: serve /graphiql even with NODE_ENV=production.
 */
// An empty value (as copied from .env.example) means unset.
const unsetIfEmpty = <T extends z.ZodTypeAny>(t: T) => z.preprocess((v) => (v === '' ? undefined : v), t.optional());

export const screenEnvSchema = z.object({
  NODE_ENV: z.string().default('development'),
  PLAZA_SCREEN_TOKEN: unsetIfEmpty(z.string()),
  PLAZA_PUBLIC_URL: unsetIfEmpty(z.string().url()),
  PLAZA_GRAPHIQL: unsetIfEmpty(z.enum(['0', '1'])),
});
export type ScreenEnv = z.infer<typeof screenEnvSchema>;

let parsed: ScreenEnv | null = null;

/** Parsed once; a bad value fails loudly, naming the variable. */
export function screenEnv(source: NodeJS.ProcessEnv = process.env): ScreenEnv {
  if (parsed && source === process.env) return parsed;
  const r = screenEnvSchema.safeParse(source);
  if (!r.success) throw new Error(`invalid environment: ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  if (source === process.env) parsed = r.data;
  return r.data;
}
