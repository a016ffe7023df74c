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
  | 'DOWNSTREAM_SERVICE_ERROR';

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

const downstreamMessage = (serviceName: string) => `${serviceName} 服务暂不可用，请稍后再试 (the ${serviceName} service did not answer; try again)`;

const CLIENT_CODES = new Set<string>([
  'UNAUTHENTICATED', 'FORBIDDEN', 'BAD_USER_INPUT', 'NOT_FOUND', 'CONFLICT', 'RATE_LIMITED', 'QUERY_TOO_COMPLEX',
  'SUBSCRIPTION_OVERFLOW', 'GRAPHQL_VALIDATION_FAILED', 'GRAPHQL_PARSE_FAILED', 'PERSISTED_QUERY_NOT_FOUND',
  'PERSISTED_QUERY_NOT_SUPPORTED', 'OPERATION_RESOLUTION_FAILURE', 'BAD_REQUEST',
]);

/**
 * Apollo `formatError`: keeps client-facing codes as they are. Anything else is an internal
 * fault — a database error, a subgraph's raw reply, a bug — whose text may name tables, values
 * or code paths: the client gets a fixed message and code, in every environment, and the
 * original is logged with the request id by `errorLoggingPlugin`.
 */
export function formatClientError(formatted: {
  message: string;
  extensions?: Record<string, unknown>;
  path?: ReadonlyArray<string | number>;
  locations?: unknown;
}): { message: string; extensions?: Record<string, unknown>; path?: ReadonlyArray<string | number> } {
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
