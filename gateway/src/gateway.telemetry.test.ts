import { EventEmitter } from 'node:events';
import http from 'node:http';
import https from 'node:https';
import { createLogger } from '@plaza/shared';
import { createGateway, readSupergraph } from './gateway';

/**
 * Apollo Gateway's usage data: by default its constructor starts a meter that probes cloud
 * metadata endpoints and, at stop (and hourly), sends Apollo the process's uptime, CPU, memory and
 * OS. Ours sends nothing unless asked (APOLLO_TELEMETRY_DISABLED=false). Every outgoing request is
 * intercepted here and refused at once: nothing leaves the machine in this test.
 */
describe('Apollo Gateway usage data', () => {
  const hosts: string[] = [];
  const refuse = (options: unknown) => {
    const o = (typeof options === 'string' ? new URL(options) : options) as { hostname?: string; host?: string };
    hosts.push(String(o.hostname ?? o.host));
    const req = Object.assign(new EventEmitter(), { end() {}, write() {}, destroy() {}, setTimeout() {}, abort() {} });
    setImmediate(() => req.emit('error', new Error('refused by the test')));
    return req as never;
  };
  beforeEach(() => {
    hosts.length = 0;
    jest.spyOn(https, 'request').mockImplementation(refuse);
    jest.spyOn(http, 'request').mockImplementation(refuse);
  });
  afterEach(() => jest.restoreAllMocks());

  const startAndStop = async (apolloTelemetry?: boolean) => {
    const before = process.env.APOLLO_TELEMETRY_DISABLED;
    const gateway = createGateway({
      supergraphSdl: readSupergraph(),
      gatewaySecret: 's'.repeat(32),
      log: createLogger('gateway', 'silent'),
      ...(apolloTelemetry === undefined ? {} : { apolloTelemetry }),
    });
    expect(process.env.APOLLO_TELEMETRY_DISABLED).toBe(before); // the environment is left as it was
    await gateway.load();
    await new Promise((r) => setTimeout(r, 50));
    await gateway.stop();
  };

  it('sends nothing by default', async () => {
    await startAndStop();
    expect(hosts).toEqual([]);
  });

  it('sends to Apollo when asked (what the default spares)', async () => {
    await startAndStop(true);
    expect(hosts).toContain('usage-reporting.api.apollographql.com');
  });
});
