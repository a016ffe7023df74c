import { serviceEnvSchema } from '@plaza/shared';
import { z } from 'zod';

/**
 * PORT defaults to 4003. SESSIONS_URL (default http://127.0.0.1:4001/graphql) and ISSUES_URL
 * (default http://127.0.0.1:4002/graphql) are the subgraphs that own communities, sessions and
 * issues: foreign ids in mutations are checked against them.
 */
export const volunteeringEnvSchema = serviceEnvSchema(4003).extend({
  SESSIONS_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
  ISSUES_URL: z.string().url().default('http://127.0.0.1:4002/graphql'),
});
