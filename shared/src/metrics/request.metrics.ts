import type { Server } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { pathAndSearch } from '../http';
import { codeLabel, type ServiceMetrics } from './service.metrics';

/**
 * Counts every HTTP request the server answers — those refused before GraphQL (401, 413, 400)
 * included — with its status and time. The handler answers 404 to every path that is not one of
 * its exact routes, so a path is a label only when it was not a 404 (else `other`): probing
 * random URLs cannot grow the series.
 */
export function instrumentHttpServer(server: Server, metrics: ServiceMetrics): void {
  server.prependListener('request', (req, res) => {
    const started = process.hrtime.bigint();
    res.once('close', () => {
      const finished = res.writableFinished;
      const path = pathAndSearch(req.url).pathname;
      const route = finished && res.statusCode !== 404 ? path : 'other';
      const method = req.method === 'GET' || req.method === 'POST' ? req.method : 'other';
      const status = finished ? String(res.statusCode) : 'aborted';
      metrics.httpRequests.inc({ route, method, status });
      metrics.httpDuration.observe({ route }, Number(process.hrtime.bigint() - started) / 1e9);
    });
  });
}

/** Per operation: count by status and first error code, time, and every error's code. */
export function graphqlMetricsPlugin(metrics: ServiceMetrics): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart({ request }) {
      const started = process.hrtime.bigint();
      return {
        async willSendResponse({ response, errors, operation, operationName, document }) {
          // A document that failed validation has no resolved operation: name it after its own.
          const named = document?.definitions.find((d) => d.kind === 'OperationDefinition');
          const op = metrics.operationLabel(operationName ?? request.operationName ?? (named?.kind === 'OperationDefinition' ? named.name?.value : null));
          const type = operation?.operation ?? 'unknown';
          const first = errors?.[0];
          const code = first ? codeLabel(first.extensions?.code ?? 'INTERNAL_SERVER_ERROR') : 'none';
          metrics.graphqlRequests.inc({ operation: op, type, status: String(response.http.status ?? 200), code });
          metrics.graphqlDuration.observe({ operation: op, type }, Number(process.hrtime.bigint() - started) / 1e9);
          for (const e of errors ?? []) metrics.graphqlErrors.inc({ operation: op, code: codeLabel(e.extensions?.code ?? 'INTERNAL_SERVER_ERROR') });
        },
      };
    },
  };
}
