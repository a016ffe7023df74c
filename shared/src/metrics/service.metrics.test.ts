import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { codeLabel, createServiceMetrics, MAX_OPERATION_LABELS } from './service.metrics';
import { metricsRoute } from './metrics.route';

describe('service metrics', () => {
  it('bounds the operation label: anonymous, names past the cap and odd names become other', () => {
    const m = createServiceMetrics({ service: 't', defaultMetrics: false });
    expect(m.operationLabel(undefined)).toBe('anonymous');
    expect(m.operationLabel('issue-123')).toBe('other');
    for (let i = 0; i < MAX_OPERATION_LABELS; i++) expect(m.operationLabel(`Op${i}`)).toBe(`Op${i}`);
    expect(m.operationLabel('OneTooMany')).toBe('other');
    expect(m.operationLabel('Op7')).toBe('Op7');
    expect(codeLabel('NOT_FOUND')).toBe('NOT_FOUND');
    expect(codeLabel('x'.repeat(10))).toBe('OTHER');
    expect(codeLabel(42)).toBe('OTHER');
  });

  it('keeps each registry apart (never the global one)', async () => {
    const a = createServiceMetrics({ service: 'a', defaultMetrics: false });
    const b = createServiceMetrics({ service: 'b', defaultMetrics: false });
    a.httpRequests.inc({ route: '/graphql', method: 'POST', status: '200' });
    expect(await a.registry.metrics()).toContain('plaza_http_requests_total{route="/graphql",method="POST",status="200",service="a"} 1');
    expect(await b.registry.metrics()).not.toContain('status="200"');
  });

  describe('GET /metrics with METRICS_TOKEN', () => {
    let server: Server;
    let url: string;
    beforeAll(async () => {
      const m = createServiceMetrics({ service: 't', token: 'secret-token-0123456789', defaultMetrics: false });
      const route = metricsRoute(m);
      server = createServer((req, res) => void route(req, res, new URL(req.url!, 'http://x')));
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
      url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
    });
    afterAll(() => new Promise<void>((r) => server.close(() => r())));

    it('answers 401 without the bearer token or with another, 200 with it', async () => {
      expect((await fetch(url)).status).toBe(401);
      expect((await fetch(url, { headers: { authorization: 'Bearer secret-token-0123456788' } })).status).toBe(401);
      const ok = await fetch(url, { headers: { authorization: 'Bearer secret-token-0123456789' } });
      expect(ok.status).toBe(200);
      expect(await ok.text()).toContain('# TYPE plaza_http_requests_total counter');
    });
  });
});
