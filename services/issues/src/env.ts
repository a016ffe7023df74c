import { serviceEnvSchema } from '@plaza/shared';
import { z } from 'zod';

/** PORT defaults to 4002. */
export const issuesEnvSchema = serviceEnvSchema(4002).extend({
  /** Where community, grid and session ids are checked. Default http://127.0.0.1:4001/graphql. */
  SESSIONS_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
  /** How often the ledger is swept for newly overdue entries. Default 60000 ms. */
  OVERDUE_SWEEP_MS: z.coerce.number().int().min(1000).default(60_000),
  /** How often plan votes past their closing time are closed. Default 1000 ms. */
  VOTE_CLOSE_SWEEP_MS: z.coerce.number().int().min(100).default(1000),
});

export type IssuesEnv = z.infer<typeof issuesEnvSchema>;
