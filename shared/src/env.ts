import { z } from 'zod';

/** Development defaults, documented in README; refused when NODE_ENV=production. */
export const DEV_JWT_SECRET = 'dev-only-jwt-secret-change-me-0123456789';
export const DEV_GATEWAY_SECRET = 'dev-only-gateway-secret-change-me-0123456789';

const logLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);

/** Variables every package reads. Extend it with `.extend({...})` for a package's own. */
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: logLevel.default('info'),
  DATABASE_URL: z.string().url().optional(),
  /**
   * A streaming replica of DATABASE_URL: the analytics reads (overview, trends, common issues,
   * exports) go there; writes and read-your-writes stay on the primary. Unset: all on the primary.
   */
  DATABASE_READ_URL: z.string().url().optional(),
  REDIS_URL: z.string().url().optional(),
  /**
   * `host:port,host:port,…` seed nodes of a Redis Cluster: the bus uses sharded pub/sub and the
   * rate limit hash-tagged keys there. Wins over REDIS_URL; unset: single-node Redis (default).
   */
  REDIS_CLUSTER_NODES: z
    .string()
    .regex(/^\s*[^,\s]+:\d+(\s*,\s*[^,\s]+:\d+)*\s*$/, 'expected host:port[,host:port…]')
    .optional(),
  JWT_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  GATEWAY_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  /** Prefix of every Redis channel, so several deployments can share one Redis. Default `plaza`. */
  PLAZA_CHANNEL_PREFIX: z
    .string()
    .regex(/^[a-z0-9:_-]+$/i)
    .default('plaza'),
  /** When set, GET /metrics answers only `Authorization: Bearer <METRICS_TOKEN>`. Default unset: open. */
  METRICS_TOKEN: z.string().min(16, 'must be at least 16 characters').optional(),
  /**
   * OpenTelemetry traces (shared/src/tracing): spans go over OTLP/HTTP to
   * `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces` (or OTEL_EXPORTER_OTLP_TRACES_ENDPOINT as given).
   * Default unset: no tracing, the SDK is not even loaded. The SDK itself reads the other standard
   * variables (OTEL_EXPORTER_OTLP_HEADERS, OTEL_TRACES_SAMPLER(_ARG), OTEL_BSP_*, OTEL_RESOURCE_ATTRIBUTES).
   */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.string().url().optional(),
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: z.string().url().optional(),
  /** `http/protobuf` (default, the OTLP/HTTP default) or `http/json`; gRPC is not bundled. */
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  /** Default: the process's own name (`gateway`, `sessions`, `issues`, `volunteering`; `plaza` for `npm start`). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** `true` turns tracing off even with an endpoint set (the OTel convention). Default `false`. */
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

export class EnvError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid environment:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/**
 * Parses the environment once, listing every problem. Secrets fall back to the development
 * defaults outside production; in production a missing secret is a problem like any other.
 */
export function parseEnv<S extends z.ZodTypeAny>(schema: S, source: NodeJS.ProcessEnv = process.env): z.infer<S> & { JWT_SECRET: string; GATEWAY_SECRET: string } {
  const cleaned = Object.fromEntries(Object.entries(source).filter(([, v]) => v !== undefined && v !== ''));
  const result = schema.safeParse(cleaned);
  const problems: string[] = [];
  if (!result.success) {
    for (const issue of result.error.issues) problems.push(`${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const production = cleaned.NODE_ENV === 'production';
  for (const key of ['JWT_SECRET', 'GATEWAY_SECRET'] as const) {
    if (production && !cleaned[key]) problems.push(`${key}: required when NODE_ENV=production`);
  }
  if (problems.length) throw new EnvError(problems);
  const env = result.data as Record<string, unknown>;
  return {
    ...env,
    JWT_SECRET: (env.JWT_SECRET as string | undefined) ?? DEV_JWT_SECRET,
    GATEWAY_SECRET: (env.GATEWAY_SECRET as string | undefined) ?? DEV_GATEWAY_SECRET,
  } as z.infer<S> & { JWT_SECRET: string; GATEWAY_SECRET: string };
}

/** For entry points: parse or print every problem and exit 1. */
export function loadEnvOrExit<S extends z.ZodTypeAny>(schema: S, source: NodeJS.ProcessEnv = process.env) {
  try {
    return parseEnv(schema, source);
  } catch (e) {
    if (e instanceof EnvError) {
      console.error(e.message);
      process.exit(1);
    }
    throw e;
  }
}

/** Default local URLs used by tests and the multi-process start when nothing is set. */
export const DEFAULT_DATABASE_URL = 'postgres://postgres@127.0.0.1:5432/plaza';
export const DEFAULT_REDIS_URL = 'redis://127.0.0.1:6379';

/** A subgraph's environment: the base plus where it listens. */
export const serviceEnvSchema = (defaultPort: number) =>
  baseEnvSchema.extend({
    PORT: z.coerce.number().int().min(0).max(65535).default(defaultPort),
    /** Interface to bind. Default 127.0.0.1: subgraphs are reached only through the gateway. */
    HOST: z.string().default('127.0.0.1'),
  });
