import { collectDefaultMetrics, Counter, Histogram, Registry } from 'prom-client';

/** Seconds; from a cached plan to a slow export. */
export const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

/** Distinct operation names one process labels before the rest become `other`. */
export const MAX_OPERATION_LABELS = 100;

const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,39}$/;

export interface ServiceMetricsOptions {
  /** `service` label on every series, e.g. `gateway`, `issues`. */
  service: string;
  /** When set, GET /metrics needs `Authorization: Bearer <token>` (env METRICS_TOKEN). Default none. */
  token?: string | null;
  /** Node process metrics (CPU, memory, GC, event-loop lag). Default true. */
  defaultMetrics?: boolean;
}

/**
 * One package's metrics. Each package has its own registry, never prom-client's global one: in
 * the one-process `npm start` the four packages share a process but each answers /metrics on
 * its own port with only its own series.
 */
export interface ServiceMetrics {
  readonly service: string;
  readonly registry: Registry;
  readonly token: string | null;
  readonly httpRequests: Counter<'route' | 'method' | 'status'>;
  readonly httpDuration: Histogram<'route'>;
  readonly graphqlRequests: Counter<'operation' | 'type' | 'status' | 'code'>;
  readonly graphqlDuration: Histogram<'operation' | 'type'>;
  readonly graphqlErrors: Counter<'operation' | 'code'>;
  /** The `operation` label for a client-chosen name: bounded, never an id. */
  operationLabel(name: string | null | undefined): string;
}

/** Error codes are ours (PlazaError) or Apollo's; anything else is folded into `OTHER`. */
export function codeLabel(code: unknown): string {
  return typeof code === 'string' && ERROR_CODE.test(code) ? code : 'OTHER';
}

export function createServiceMetrics(o: ServiceMetricsOptions): ServiceMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ service: o.service });
  if (o.defaultMetrics ?? true) collectDefaultMetrics({ register: registry, eventLoopMonitoringPrecision: 10 });
  const registers = [registry];
  const seen = new Set<string>();
  return {
    service: o.service,
    registry,
    token: o.token || null,
    httpRequests: new Counter({
      name: 'plaza_http_requests_total',
      help: 'HTTP requests answered, by route (known paths, else "other"), method and status',
      labelNames: ['route', 'method', 'status'],
      registers,
    }),
    httpDuration: new Histogram({
      name: 'plaza_http_request_duration_seconds',
      help: 'HTTP request time from arrival to the response end',
      labelNames: ['route'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    graphqlRequests: new Counter({
      name: 'plaza_graphql_requests_total',
      help: 'GraphQL operations Apollo answered, by operation name, type, HTTP status and first error code ("none" without errors)',
      labelNames: ['operation', 'type', 'status', 'code'],
      registers,
    }),
    graphqlDuration: new Histogram({
      name: 'plaza_graphql_request_duration_seconds',
      help: 'GraphQL operation time inside Apollo',
      labelNames: ['operation', 'type'],
      buckets: LATENCY_BUCKETS,
      registers,
    }),
    graphqlErrors: new Counter({ name: 'plaza_graphql_errors_total', help: 'Errors in GraphQL responses, by operation name and extensions.code', labelNames: ['operation', 'code'], registers }),
    operationLabel(name) {
      if (!name) return 'anonymous';
      if (!OPERATION_NAME.test(name)) return 'other';
      if (seen.has(name)) return name;
      if (seen.size >= MAX_OPERATION_LABELS) return 'other';
      seen.add(name);
      return name;
    },
  };
}
