import { setTracingEnabled, tracingEnabled } from './spans';
import { instrumentPg, uninstrumentPg } from './pg.tracing';

/** The OTEL_* variables the env schema reads (shared/src/env.ts); the SDK reads the others itself. */
export interface TracingEnv {
  OTEL_EXPORTER_OTLP_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT?: string;
  OTEL_EXPORTER_OTLP_PROTOCOL?: 'http/protobuf' | 'http/json';
  OTEL_SERVICE_NAME?: string;
  OTEL_SDK_DISABLED?: string;
}

export interface Tracing {
  /** True when spans are exported (an endpoint was set). */
  readonly enabled: boolean;
  /** Flushes what is buffered and stops exporting; the process's last step. */
  shutdown(): Promise<void>;
}

const OFF: Tracing = { enabled: false, shutdown: async () => undefined };

let active: { tracing: Tracing; users: number } | null = null;

/** Where spans go: the traces endpoint as given, or `<OTEL_EXPORTER_OTLP_ENDPOINT>/v1/traces` (the OTLP/HTTP rule). */
export function tracesUrl(env: TracingEnv): string | null {
  if (env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) return env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT;
  if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return null;
  return `${env.OTEL_EXPORTER_OTLP_ENDPOINT.replace(/\/+$/, '')}/v1/traces`;
}

/**
 * Turns tracing on for this process when an OTLP endpoint is configured: a NodeTracerProvider
 * (AsyncLocalStorage context, W3C trace-context propagation, the sampler of OTEL_TRACES_SAMPLER,
 * default parent-based always-on) exporting batches over OTLP/HTTP, protobuf by default or JSON.
 * Nothing set (or OTEL_SDK_DISABLED=true): returns at once and the SDK is never loaded — hence
 * the require()s inside. Called first thing by each package's main(); in the one-process start
 * the first caller's name wins and later calls share its provider (shut down by the last).
 */
export function startTracing(defaultServiceName: string, env: TracingEnv): Tracing {
  const url = tracesUrl(env);
  if (!url || env.OTEL_SDK_DISABLED === 'true') return OFF;
  if (active) {
    active.users++;
    return active.tracing;
  }
  /* eslint-disable @typescript-eslint/no-require-imports */
  const { NodeTracerProvider } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { BatchSpanProcessor } = require('@opentelemetry/sdk-trace-base') as typeof import('@opentelemetry/sdk-trace-base');
  const { resourceFromAttributes, detectResources, envDetector } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const { ATTR_SERVICE_NAME } = require('@opentelemetry/semantic-conventions') as typeof import('@opentelemetry/semantic-conventions');
  const exporter =
    env.OTEL_EXPORTER_OTLP_PROTOCOL === 'http/json'
      ? new (require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http')).OTLPTraceExporter({ url })
      : new (require('@opentelemetry/exporter-trace-otlp-proto') as typeof import('@opentelemetry/exporter-trace-otlp-proto')).OTLPTraceExporter({ url });
  // OTEL_RESOURCE_ATTRIBUTES and OTEL_SERVICE_NAME (envDetector) win over the process's own name.
  const resource = resourceFromAttributes({ [ATTR_SERVICE_NAME]: env.OTEL_SERVICE_NAME ?? defaultServiceName }).merge(detectResources({ detectors: [envDetector] }));
  const provider = new NodeTracerProvider({ resource, spanProcessors: [new BatchSpanProcessor(exporter)] });
  provider.register();
  instrumentPg();
  setTracingEnabled(true);
  const tracing: Tracing = {
    enabled: true,
    async shutdown() {
      if (!active || --active.users > 0) return;
      active = null;
      setTracingEnabled(false);
      uninstrumentPg();
      await provider.shutdown().catch(() => undefined);
      // Unregistered, so a later startTracing() in this process (tests) can register anew.
      const api = require('@opentelemetry/api') as typeof import('@opentelemetry/api');
      api.trace.disable();
      api.context.disable();
      api.propagation.disable();
    },
  };
  active = { tracing, users: 1 };
  return tracing;
}

export { tracingEnabled };
