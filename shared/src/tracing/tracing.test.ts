import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { currentTraceparent, contextFromTraceparent, startTracing, traceHeaders, tracesUrl, tracingEnabled, withSpan } from './index';
import { trace } from '@opentelemetry/api';

describe('tracing off (no OTEL_EXPORTER_OTLP_ENDPOINT)', () => {
  it('loads no SDK module and leaves pg untouched (a fresh process, as main() runs it)', () => {
    const dist = join(__dirname, '..', '..', 'dist', 'index.js');
    const probe = (env: Record<string, string>) =>
      JSON.parse(
        execFileSync(
          process.execPath,
          [
            '-e',
            `
          require('reflect-metadata'); const pg = require('pg'); const before = pg.Client.prototype.query;
          const s = require(${JSON.stringify(dist)});
          const t = s.startTracing('probe', ${JSON.stringify(env)});
          const sdk = Object.keys(require.cache).filter((k) => /@opentelemetry[\\\\/](sdk-trace|exporter|resources)/.test(k)).length;
          console.log(JSON.stringify({ enabled: t.enabled, sdk, pgPatched: pg.Client.prototype.query !== before }));
          t.shutdown();
        `,
          ],
          { encoding: 'utf8' },
        ),
      ) as { enabled: boolean; sdk: number; pgPatched: boolean };
    expect(probe({})).toEqual({ enabled: false, sdk: 0, pgPatched: false });
    expect(probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_SDK_DISABLED: 'true' })).toEqual({ enabled: false, sdk: 0, pgPatched: false });
    // The check itself can fail: with an endpoint the SDK is loaded and pg wrapped.
    const on = probe({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(on.enabled).toBe(true);
    expect(on.sdk).toBeGreaterThan(0);
    expect(on.pgPatched).toBe(true);
  });

  it('every helper is a pass-through', () => {
    expect(tracingEnabled()).toBe(false);
    expect(withSpan('x', {}, (span) => (span === undefined ? 'plain' : 'span'))).toBe('plain');
    expect(currentTraceparent()).toBeNull();
    expect(traceHeaders()).toEqual({});
    expect(trace.getSpan(contextFromTraceparent('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01'))).toBeUndefined();
  });
});

describe('tracing on', () => {
  it('spans carry a W3C traceparent that round-trips through a stored string; shutdown restores pg', async () => {
    const original = Client.prototype.query;
    const t = startTracing('unit', { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9', OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json' });
    try {
      expect(t.enabled).toBe(true);
      expect(Client.prototype.query).not.toBe(original);
      expect(currentTraceparent()).toBeNull(); // no active span
      const stored = withSpan('outer', {}, () => currentTraceparent());
      expect(stored).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
      const [, traceId, spanId] = stored!.split('-');
      const child = withSpan('later', { parent: contextFromTraceparent(stored) }, (span) => span!.spanContext());
      expect(child.traceId).toBe(traceId);
      expect(child.spanId).not.toBe(spanId);
      expect(withSpan('h', {}, () => traceHeaders()).traceparent).toMatch(/^00-/);
      await expect(withSpan('fails', {}, async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    } finally {
      await t.shutdown();
    }
    expect(tracingEnabled()).toBe(false);
    expect(Client.prototype.query).toBe(original);
  });
});

describe('tracesUrl', () => {
  it('follows the OTLP/HTTP rule: <endpoint>/v1/traces, or the traces endpoint as given', () => {
    expect(tracesUrl({})).toBeNull();
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' })).toBe('http://c:4318/v1/traces');
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318/' })).toBe('http://c:4318/v1/traces');
    expect(tracesUrl({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'http://t/x' })).toBe('http://t/x');
  });
});
