import { baseEnvSchema } from '@plaza/shared';
import { z } from 'zod';

/** The subgraphs the gateway routes to; names match the supergraph's `join__Graph` names. */
export const SUBGRAPHS = ['sessions', 'issues', 'volunteering'] as const;
export type SubgraphName = (typeof SUBGRAPHS)[number];

/**
 * The gateway's environment. PORT default 4000; HOST default 127.0.0.1 (set 0.0.0.0 in a
 * container); each subgraph URL defaults to its local port 4001..4003.
 */
export const gatewayEnvSchema = baseEnvSchema.extend({
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  HOST: z.string().default('127.0.0.1'),
  SESSIONS_URL: z.string().url().default('http://127.0.0.1:4001/graphql'),
  ISSUES_URL: z.string().url().default('http://127.0.0.1:4002/graphql'),
  VOLUNTEERING_URL: z.string().url().default('http://127.0.0.1:4003/graphql'),
  /** A JWT with role SCREEN written into the /screen page (read-only, public fields). Unset: anonymous. */
  PLAZA_SCREEN_TOKEN: z.string().optional(),
  /** The address phones reach the gateway at, for the screen's QR code. Unset: the screen request's Host. */
  PLAZA_PUBLIC_URL: z.string().url().optional(),
  /**
   * 1 (default): identical subgraph reads in flight at the same moment share one call (see
   * subgraph-fetcher.ts); 0 turns it off, e.g. to benchmark without it.
   */
  PLAZA_SHARE_INFLIGHT: z.enum(['0', '1']).default('1'),
  /**
   * 1 (default): one request's reads to one subgraph issued together travel as one batched HTTP
   * request (subgraph-fetcher.ts); 0 sends each alone, e.g. to benchmark without it.
   */
  PLAZA_BATCH_SUBGRAPH_CALLS: z.enum(['0', '1']).default('1'),
  /**
   * 1 (default): different client requests' reads to one subgraph issued in the same turn travel
   * as one multiplexed HTTP request, each with its own identity and context on the subgraph
   * (@plaza/shared multiplex.ts); 0 sends each request's reads on their own. Off when batching is.
   */
  PLAZA_MULTIPLEX_SUBGRAPH_CALLS: z.enum(['0', '1']).default('1'),
  /**
   * Browser origins allowed to call /graphql and /export/*.csv, comma-separated (`*`: any).
   * Unset: any origin outside production, none in production.
   */
  CORS_ORIGINS: z.string().optional(),
  /** 1: serve /graphiql even with NODE_ENV=production (off there by default). */
  PLAZA_GRAPHIQL: z.enum(['0', '1']).optional(),
  /**
   * On SIGTERM: how long open requests and sockets may go on after /ready turned 503 and new
   * connections are refused, before sockets close with 1012 (service restart). Default 5000 ms.
   */
  SHUTDOWN_GRACE_MS: z.coerce.number().int().min(0).max(120_000).default(5000),
  /**
   * Apollo Gateway's own name for its usage data: unless this is `true`/`1`, every gateway sends
   * Apollo (usage-reporting.api.apollographql.com) its uptime, CPU, memory and OS hourly and at
   * shutdown, after probing the AWS, GCP, Azure and Alibaba Cloud metadata endpoints for where it
   * runs. Default here `true`: a civic platform's gateway does not phone a vendor; `false` sends it.
   */
  APOLLO_TELEMETRY_DISABLED: z.enum(['true', 'false', '1', '0']).default('true'),
});

export type GatewayEnv = z.infer<typeof gatewayEnvSchema> & { JWT_SECRET: string; GATEWAY_SECRET: string };

/** Subgraph name -> URL from the environment; these win over the URLs in the supergraph file. */
export function subgraphUrls(env: Pick<GatewayEnv, 'SESSIONS_URL' | 'ISSUES_URL' | 'VOLUNTEERING_URL'>): Record<SubgraphName, string> {
  return { sessions: env.SESSIONS_URL, issues: env.ISSUES_URL, volunteering: env.VOLUNTEERING_URL };
}
