import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import { GraphQLError, Kind, visit, type ASTNode, type DocumentNode, type OperationDefinitionNode } from 'graphql';
import { getVariableValues } from 'graphql/execution/values';
import { BadRequestError, BadUserInputError, isStorableText } from '@plaza/shared';

const http = { status: 400 };

/** The first string inside a variable value that is not storable, with its path (`input.title`). */
export function findBadText(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return isStorableText(value) ? null : path;
  if (depth > 64 || value === null || typeof value !== 'object') return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const bad = findBadText(value[i], `${path}.${i}`, depth + 1);
      if (bad) return bad;
    }
    return null;
  }
  for (const [k, v] of Object.entries(value)) {
    if (!isStorableText(k)) return `${path}.${k}`;
    const bad = findBadText(v, `${path}.${k}`, depth + 1);
    if (bad) return bad;
  }
  return null;
}

/** The argument (and input fields) a string literal of the document stands in, e.g. `filter.text`. */
function literalPath(ancestors: readonly (ASTNode | readonly ASTNode[])[]): string {
  const names: string[] = [];
  for (const a of ancestors) {
    if (Array.isArray(a)) continue;
    const node = a as ASTNode;
    if (node.kind === Kind.ARGUMENT || node.kind === Kind.OBJECT_FIELD) names.push(node.name.value);
  }
  return names.join('.') || 'query';
}

// Apollo hands the same DocumentNode for a repeated query text (its document store), so each
// document's literals are walked once.
const literalVerdicts = new WeakMap<DocumentNode, string | null>();

function badLiteral(document: DocumentNode): string | null {
  const known = literalVerdicts.get(document);
  if (known !== undefined) return known;
  const found = findBadLiteral(document);
  literalVerdicts.set(document, found);
  return found;
}

function findBadLiteral(document: DocumentNode): string | null {
  let found: string | null = null;
  visit(document, {
    StringValue(node, _key, _parent, _path, ancestors) {
      if (found || isStorableText(node.value)) return;
      found = literalPath(ancestors);
    },
  });
  return found;
}

/**
 * The gateway's checks of what a client sent, after validation and before limits, planning or
 * any subgraph call (the first plugin of the list):
 * - a subscription over HTTP is BAD_REQUEST pointing at graphql-ws (the planner cannot run it);
 * - text with NUL or a lone surrogate, in a variable or a literal, is BAD_USER_INPUT naming it —
 *   PostgreSQL refuses NUL (and its error once reached the client), and a lone surrogate would be
 *   stored as U+FFFD, changing what the resident wrote;
 * - variables are coerced against the API schema (with the strict Date and DateTime parsers,
 *   strict-scalars.ts): a bad one is BAD_USER_INPUT naming the variable, instead of the
 *   gateway's uncoded error or a subgraph's raw 400.
 */
export function inputGuardPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, document, request, schema }) {
          const op = operation as OperationDefinitionNode | undefined;
          // Apollo would hand the gateway a request without an operation and answer a 500.
          if (!op) {
            const name = request.operationName;
            throw new BadRequestError(
              name
                ? `没有名为 ${JSON.stringify(name)} 的操作 (Unknown operation named ${JSON.stringify(name)}.)`
                : '文档含多个操作时须提供操作名 (Must provide operation name if query contains multiple operations.)',
              { http },
            );
          }
          if (op.operation === 'subscription') {
            throw new BadRequestError('订阅请使用 WebSocket (subscriptions are served over graphql-ws — protocol graphql-transport-ws — at ws://<host>/graphql, not over HTTP POST)', { http });
          }
          const variables = request.variables ?? {};
          for (const [name, value] of Object.entries(variables)) {
            const bad = findBadText(value, name);
            if (bad) throw withStatus(new BadUserInputError(bad, `文本含有无效字符 (text in $${bad} contains NUL or invalid UTF-16)`));
          }
          const literal = badLiteral(document);
          if (literal) throw withStatus(new BadUserInputError(literal, `文本含有无效字符 (text in ${literal} contains NUL or invalid UTF-16)`));
          const { errors } = getVariableValues(schema, op.variableDefinitions ?? [], variables, { maxErrors: 1 });
          const first = errors?.[0];
          if (first) throw withStatus(new BadUserInputError(variableName(first), first.message));
        },
      };
    },
  };
}

function variableName(error: GraphQLError): string {
  return /Variable "\$([^"]+)"/.exec(error.message)?.[1] ?? 'variables';
}

function withStatus<E extends GraphQLError>(e: E): E {
  Object.assign(e.extensions, { http });
  return e;
}
