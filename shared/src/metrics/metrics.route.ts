import { createHash, timingSafeEqual } from 'node:crypto';
import type { Route } from '../http';
import { sendJson } from '../http';
import type { ServiceMetrics } from './service.metrics';

const digest = (s: string) => createHash('sha256').update(s).digest();

/**
 * GET /metrics in Prometheus' text format. Not signed like GraphQL calls (a scraper is not the
 * gateway); guarded by a bearer token only when METRICS_TOKEN is set.
 */
export function metricsRoute(metrics: ServiceMetrics): Route {
  const expected = metrics.token ? digest(`Bearer ${metrics.token}`) : null;
  return async (req, res) => {
    if (expected && !timingSafeEqual(digest(String(req.headers.authorization ?? '')), expected)) {
      return sendJson(res, 401, { error: 'metrics need Authorization: Bearer <METRICS_TOKEN>' }, { 'www-authenticate': 'Bearer' });
    }
    const text = await metrics.registry.metrics();
    res.writeHead(200, { 'content-type': metrics.registry.contentType, 'content-length': Buffer.byteLength(text) });
    res.end(text);
  };
}
