import { GraphQLError } from 'graphql';

/**
 * Every error a client may see, with the contract's stable `extensions.code`. Domain code throws
 * these; anything else reaching the client is masked as INTERNAL_SERVER_ERROR in production.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'BAD_USER_INPUT'
  | 'NOT_FOUND'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'QUERY_TOO_COMPLEX'
  | 'SUBSCRIPTION_OVERFLOW'
  | 'BAD_REQUEST'
  | 'DOWNSTREAM_SERVICE_ERROR'
  /** What any other fault reaches the client as (formatClientError), and a subscriber whose delivery failed. */
  | 'INTERNAL_SERVER_ERROR'
  // The gateway's subscriptions (graphql-ws): a per-connection cap, a resume that could not read
  // the durable log, an event that could not be hydrated, and no event bus to subscribe to.
  | 'TOO_MANY_SUBSCRIPTIONS'
  | 'REPLAY_FAILED'
  | 'HYDRATION_FAILED'
  | 'SUBSCRIPTIONS_UNAVAILABLE';

export abstract class PlazaError extends GraphQLError {
  abstract readonly code: ErrorCode;
  protected constructor(message: string, code: ErrorCode, extra: Record<string, unknown> = {}) {
    super(message, { extensions: { code, ...extra } });
  }
}

export class UnauthenticatedError extends PlazaError {
  readonly code = 'UNAUTHENTICATED' as const;
  constructor(message = '请先登录 (authentication required)') {
    super(message, 'UNAUTHENTICATED');
  }
}

export class ForbiddenError extends PlazaError {
  readonly code = 'FORBIDDEN' as const;
  constructor(message = '无权执行此操作 (not allowed)') {
    super(message, 'FORBIDDEN');
  }
}

export class BadUserInputError extends PlazaError {
  readonly code = 'BAD_USER_INPUT' as const;
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message, 'BAD_USER_INPUT', { field });
  }
}

export class NotFoundError extends PlazaError {
  readonly code = 'NOT_FOUND' as const;
  constructor(what: string, id: string, field?: string) {
    super(`${what} ${id} not found`, 'NOT_FOUND', field ? { field, id } : { id });
  }
}

export class ConflictError extends PlazaError {
  readonly code = 'CONFLICT' as const;
  constructor(
    readonly from: string,
    readonly to: string,
    message = `illegal state transition ${from} -> ${to}`,
  ) {
    super(message, 'CONFLICT', { from, to });
  }
}

export class RateLimitedError extends PlazaError {
  readonly code = 'RATE_LIMITED' as const;
  constructor(retryAfterSeconds: number) {
    super(`too many requests; retry after ${retryAfterSeconds}s`, 'RATE_LIMITED', { retryAfter: retryAfterSeconds });
  }
}

export class QueryTooComplexError extends PlazaError {
  readonly code = 'QUERY_TOO_COMPLEX' as const;
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(message, 'QUERY_TOO_COMPLEX', extra);
  }
}

/** A request the server cannot serve as sent (wrong transport, malformed body); HTTP 400. */
export class BadRequestError extends PlazaError {
  readonly code = 'BAD_REQUEST' as const;
  constructor(message: string, extra: Record<string, unknown> = {}) {
    super(message, 'BAD_REQUEST', extra);
  }
}

/**
 * A subgraph did not answer, or answered something other than a 2xx GraphQL response. Names the
 * subgraph (never its URL or what it sent back), so a client can tell "try again" from a bug.
 */
export class DownstreamServiceError extends PlazaError {
  readonly code = 'DOWNSTREAM_SERVICE_ERROR' as const;
  constructor(readonly serviceName: string) {
    super(downstreamMessage(serviceName), 'DOWNSTREAM_SERVICE_ERROR', { serviceName });
  }
}

/** A connection asked for more subscriptions than it may hold open at once; `limit` says how many. */
export class TooManySubscriptionsError extends PlazaError {
  readonly code = 'TOO_MANY_SUBSCRIPTIONS' as const;
  constructor(readonly limit: number) {
    super(`每个连接最多 ${limit} 个订阅 (at most ${limit} subscriptions per connection)`, 'TOO_MANY_SUBSCRIPTIONS', { limit });
  }
}

/** One event could not be hydrated through the supergraph (after a retry): its subscribers get this, and stay subscribed. */
export class HydrationFailedError extends PlazaError {
  readonly code = 'HYDRATION_FAILED' as const;
  constructor(cause: string) {
    super(`hydration failed: ${cause}`, 'HYDRATION_FAILED');
  }
}

/** The gateway runs without an event bus, so a subscription would never deliver anything. */
export class SubscriptionsUnavailableError extends PlazaError {
  readonly code = 'SUBSCRIPTIONS_UNAVAILABLE' as const;
  constructor() {
    super('subscriptions need an event bus: set REDIS_URL (or run `npm start`, which shares the in-process bus)', 'SUBSCRIPTIONS_UNAVAILABLE');
  }
}

const downstreamMessage = (serviceName: string) => `${serviceName} 服务暂不可用，请稍后再试 (the ${serviceName} service did not answer; try again)`;

const CLIENT_CODES = new Set<string>([
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'BAD_USER_INPUT',
  'NOT_FOUND',
  'CONFLICT',
  'RATE_LIMITED',
  'QUERY_TOO_COMPLEX',
  'SUBSCRIPTION_OVERFLOW',
  'GRAPHQL_VALIDATION_FAILED',
  'GRAPHQL_PARSE_FAILED',
  'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED',
  'OPERATION_RESOLUTION_FAILURE',
  'BAD_REQUEST',
  'TOO_MANY_SUBSCRIPTIONS',
  'REPLAY_FAILED',
  'HYDRATION_FAILED',
  'SUBSCRIPTIONS_UNAVAILABLE',
]);

/**
 * Apollo `formatError`: keeps client-facing codes as they are. Anything else is an internal
 * fault — a database error, a subgraph's raw reply, a bug — whose text may name tables, values
 * or code paths: the client gets a fixed message and code, in every environment, and the
 * original is logged with the request id by `errorLoggingPlugin`.
 */
export function formatClientError(formatted: { message: string; extensions?: Record<string, unknown>; path?: ReadonlyArray<string | number>; locations?: unknown }): {
  message: string;
  extensions?: Record<string, unknown>;
  path?: ReadonlyArray<string | number>;
} {
  const code = String(formatted.extensions?.code ?? 'INTERNAL_SERVER_ERROR');
  const { stacktrace: _drop, ...extensions } = (formatted.extensions ?? {}) as Record<string, unknown>;
  if (code === 'DOWNSTREAM_SERVICE_ERROR' && typeof extensions.serviceName === 'string') {
    // Rebuilt from the name alone: whatever else came with it (a URL, a raw body) stays in the log.
    const serviceName = extensions.serviceName;
    return { message: downstreamMessage(serviceName), path: formatted.path, extensions: { code, serviceName } };
  }
  if (CLIENT_CODES.has(code)) return { ...formatted, extensions };
  return { message: '服务器内部错误 (internal server error; logged with the request id)', path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
}
