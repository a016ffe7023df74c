/// <reference lib="dom" />
import { createElement } from 'react';
import { createRoot } from 'react-dom/client';
import { GraphiQL } from 'graphiql';
import { createGraphiQLFetcher, type Fetcher, type FetcherOpts, type FetcherParams } from '@graphiql/toolkit';
import { createClient } from 'graphql-ws';
import { Kind, parse, type OperationDefinitionNode } from 'graphql';
import 'graphiql/style.css';

/**
 * GraphiQL for staff and analysts, served by the gateway from its own bundle (no CDN). Queries and
 * mutations go to POST /graphql; subscriptions to ws /graphql, with the header editor's
 * Authorization sent as the graphql-ws connection parameter the gateway reads.
 */

const wsUrl = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
const http = createGraphiQLFetcher({ url: '/graphql' });

function isSubscription(params: FetcherParams): boolean {
  try {
    const ops = parse(params.query).definitions.filter((d): d is OperationDefinitionNode => d.kind === Kind.OPERATION_DEFINITION);
    const op = params.operationName ? ops.find((d) => d.name?.value === params.operationName) : ops[0];
    return op?.operation === 'subscription';
  } catch {
    return false; // let the server report the syntax error
  }
}

function authorizationOf(headers: Record<string, unknown> | undefined): string | undefined {
  const hit = Object.entries(headers ?? {}).find(([k]) => k.toLowerCase() === 'authorization');
  return typeof hit?.[1] === 'string' && hit[1].trim() ? hit[1].trim() : undefined;
}

/** One socket per running subscription, closed when GraphiQL stops it. */
async function* subscribe(params: FetcherParams, opts?: FetcherOpts): AsyncGenerator<unknown> {
  const authorization = authorizationOf(opts?.headers);
  const client = createClient({ url: wsUrl, lazy: true, retryAttempts: 0, connectionParams: authorization ? { authorization } : {} });
  try {
    yield* client.iterate({ query: params.query, variables: params.variables ?? {}, operationName: params.operationName ?? undefined });
  } finally {
    await client.dispose();
  }
}

const fetcher: Fetcher = (params, opts) => (isSubscription(params) ? subscribe(params, opts) : http(params, opts)) as ReturnType<Fetcher>;

const DEFAULT_QUERY = `# 广场夜话 GraphQL 调试台
# 身份：在下方 Headers 中填写 { "Authorization": "Bearer <token>" }
# （开发环境可用 npm run token -- --sub u1 --roles STAFF --communities <id> 生成令牌）
{
  me { id roles communityIds }
  liveSessions { id title community { name } theme { title } }
}
`;

// Shareable links: /graphiql?query=…#token=… opens with that operation and that token.
const params = new URLSearchParams(location.search);
const token = /(?:^|[#&])token=([^&]+)/.exec(location.hash)?.[1];
const headers = token ? JSON.stringify({ Authorization: `Bearer ${decodeURIComponent(token)}` }, null, 2) : undefined;

createRoot(document.getElementById('graphiql')!).render(
  createElement(GraphiQL, {
    fetcher,
    defaultQuery: DEFAULT_QUERY,
    ...(params.get('query') ? { query: params.get('query')! } : {}),
    ...(params.get('variables') ? { variables: params.get('variables')! } : {}),
    ...(headers ? { headers } : {}),
    isHeadersEditorEnabled: true,
    defaultEditorToolsVisibility: 'headers',
    shouldPersistHeaders: false,
  }),
);
