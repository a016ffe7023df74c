import { getOperationAST, getVariableValues, GraphQLError, type DocumentNode, type GraphQLSchema } from 'graphql';
import { operationLimitError, type SubscriptionLimits } from './operation.limits';

export interface PreparedRequest {
  /** The operation's name, or null when it has none. */
  operationName: string | null;
  /** The variables coerced to the operation's declared types (what the plan's filters see). */
  coerced: Record<string, unknown>;
  /**
   * The client's values of the declared variables only, as sent (what hydrations send on through
   * the gateway, which coerces them again). Anything else the client sent is dropped here.
   */
  used: Record<string, unknown>;
}

const badInput = (message: string, extra: Record<string, unknown> = {}) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT', ...extra } });

/**
 * What a subscribe message asks for, checked before anything is planned or cached: which
 * operation (as graphql-js picks it; an empty name counts as none), its variables coerced to the
 * declared types (a hostile `{"c": 5}` for `[ID!]` is refused here, with BAD_USER_INPUT, not
 * later inside the shared event loop), and the HTTP path's depth, alias and cost limits.
 */
export function prepareRequest(
  schema: GraphQLSchema,
  document: DocumentNode,
  operationName: string | null | undefined,
  variables: unknown,
  limits: SubscriptionLimits,
): PreparedRequest | readonly GraphQLError[] {
  const op = getOperationAST(document, operationName || undefined);
  if (!op) {
    const message = operationName ? `Unknown operation named "${operationName}".` : 'Must provide operation name if query contains multiple operations.';
    return [new GraphQLError(message, { extensions: { code: 'BAD_REQUEST' } })];
  }
  if (op.operation !== 'subscription') {
    return [new GraphQLError(`只接受订阅 (expected a subscription operation over WebSocket, got a ${op.operation})`, { extensions: { code: 'BAD_REQUEST' } })];
  }
  if (variables != null && (typeof variables !== 'object' || Array.isArray(variables))) {
    return [badInput(`variables must be an object, got ${Array.isArray(variables) ? 'an array' : typeof variables}`)];
  }
  const raw = (variables ?? {}) as Record<string, unknown>;
  const defs = op.variableDefinitions ?? [];
  const result = getVariableValues(schema, defs, raw, { maxErrors: 10 });
  if (result.errors) return result.errors.map((e) => badInput(e.message));
  const used: Record<string, unknown> = {};
  for (const d of defs) if (Object.prototype.hasOwnProperty.call(raw, d.variable.name.value)) used[d.variable.name.value] = raw[d.variable.name.value];
  const tooComplex = operationLimitError(schema, document, op.name?.value ?? operationName ?? null, result.coerced, limits);
  if (tooComplex) return [tooComplex];
  return { operationName: op.name?.value ?? null, coerced: result.coerced, used };
}

/**
 * Checked again once planned: the hydration query (run through the gateway, under the same
 * limits) adds aliases of its own, so an operation just under the alias limit would pass here and
 * then fail on every event.
 */
export function hydrationLimitError(schema: GraphQLSchema, document: DocumentNode, req: PreparedRequest, hydrationAliases: number, limits: SubscriptionLimits): GraphQLError | null {
  return hydrationAliases ? operationLimitError(schema, document, req.operationName, req.coerced, limits, hydrationAliases) : null;
}
