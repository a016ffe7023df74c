import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';
import { formatClientError } from '@plaza/shared';
import { corsHandler, isCorsPath, parseCorsOrigins } from './cors';
import { acceptsGraphQLResponse, shapeForAccept } from './graphql-over-http';

const answer = (status: number, errors: { code: string }[]): HTTPGraphQLResponse => ({
  status,
  headers: new HeaderMap([
    ['content-type', 'application/json; charset=utf-8'],
    ['retry-after', '7'],
  ]),
  body: { kind: 'complete', string: JSON.stringify({ errors: errors.map((e) => ({ message: 'x', extensions: { code: e.code } })) }) },
});
const request = (accept?: string) => ({ method: 'POST', headers: new HeaderMap(accept ? [['accept', accept]] : []), search: '', body: {} });

describe('GraphQL over HTTP', () => {
  it('reads Accept', () => {
    expect(acceptsGraphQLResponse(undefined)).toBe(false);
    expect(acceptsGraphQLResponse('application/json')).toBe(false);
    expect(acceptsGraphQLResponse('*/*')).toBe(false);
    expect(acceptsGraphQLResponse('application/graphql-response+json')).toBe(true);
    expect(acceptsGraphQLResponse('application/json, application/graphql-response+json;q=0.5')).toBe(true);
    expect(acceptsGraphQLResponse('application/graphql-response+json;q=0, application/json')).toBe(false);
  });

  it('answers request errors 200 in application/json, keeps the status in graphql-response+json', () => {
    for (const code of ['QUERY_TOO_COMPLEX', 'RATE_LIMITED', 'BAD_USER_INPUT', 'GRAPHQL_VALIDATION_FAILED']) {
      const shaped = shapeForAccept(request(), answer(code === 'RATE_LIMITED' ? 429 : 400, [{ code }]));
      expect(shaped.status).toBe(200);
      expect(shaped.headers.get('retry-after')).toBe('7');
      const kept = shapeForAccept(request('application/graphql-response+json'), answer(400, [{ code }]));
      expect(kept.status).toBe(400);
      expect(kept.headers.get('content-type')).toBe('application/graphql-response+json; charset=utf-8');
    }
    // Not a GraphQL request at all, or about the HTTP request itself: the status stays.
    expect(shapeForAccept(request(), answer(400, [{ code: 'BAD_REQUEST' }])).status).toBe(400);
    expect(shapeForAccept(request(), answer(405, [{ code: 'BAD_REQUEST' }])).status).toBe(405);
    expect(shapeForAccept(request(), answer(500, [{ code: 'INTERNAL_SERVER_ERROR' }])).status).toBe(500);
  });
});

describe('CORS', () => {
  it('reads CORS_ORIGINS', () => {
    expect(parseCorsOrigins(undefined, false)).toBe('*');
    expect(parseCorsOrigins(undefined, true)).toEqual([]);
    expect(parseCorsOrigins('https://a.example/, https://b.example', true)).toEqual(['https://a.example', 'https://b.example']);
    expect(parseCorsOrigins('*', true)).toBe('*');
    expect(isCorsPath('/graphql')).toBe(true);
    expect(isCorsPath('/export/departments.csv')).toBe(true);
    expect(isCorsPath('/screen')).toBe(false);
  });

  it('leaves requests without Origin alone', () => {
    const headers: Record<string, string> = {};
    const res = { setHeader: (k: string, v: string) => (headers[k] = v) } as any;
    expect(corsHandler('*')({ headers: {}, url: '/graphql', method: 'OPTIONS' } as any, res)).toBe(false);
    expect(headers).toEqual({});
  });
});

describe('DOWNSTREAM_SERVICE_ERROR', () => {
  it('reaches clients with the service name only', () => {
    const formatted = formatClientError({
      message: 'request to http://10.0.0.5:4002/graphql failed',
      extensions: { code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'issues', response: { body: 'secret' } },
    });
    expect(formatted.extensions).toEqual({ code: 'DOWNSTREAM_SERVICE_ERROR', serviceName: 'issues' });
    expect(formatted.message).not.toMatch(/10\.0\.0\.5/);
    // Anything else unknown is still masked.
    expect(formatClientError({ message: 'relation "issues.issue" does not exist', extensions: {} }).extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});
