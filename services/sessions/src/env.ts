import { serviceEnvSchema } from '@plaza/shared';

/** PORT defaults to 4001. */
export const sessionsEnvSchema = serviceEnvSchema(4001);
