import { ApolloServer, HeaderMap, type ApolloServerOptions, type BaseContext, type HTTPGraphQLRequest, type HTTPGraphQLResponse } from '@apollo/server';
import type { GraphQLError } from 'graphql';
import type { LimitsGuard } from './limits.guard';

export interface LimitedApolloServerOptions {
  guard: LimitsGuard;
  /** Other checks of the raw request that Apollo would answer without a code (first refusal wins). */
  prechecks?: ((req: HTTPGraphQLRequest) => GraphQLError | null)[];
  /** Shapes a refusal as the server's formatError would. */
  formatError: (formatted: { message: string; extensions?: Record<string, unknown> }) => unknown;
  /** Told of each refusal, e.g. to log it (the refused request reaches no Apollo plugin). */
  onRefused?: (error: GraphQLError) => void;
}

/**
 * Apollo Server whose HTTP entry point judges the query limits first. Apollo's own hooks come
 * too late for that: a document is parsed and validated before any hook may refuse it, and an
 * error thrown from `parsingDidStart` or `validationDidStart` is answered as a 500.
 */
export class LimitedApolloServer<C extends BaseContext> extends ApolloServer<C> {
  constructor(
    config: ApolloServerOptions<C>,
    protected readonly limited: LimitedApolloServerOptions,
  ) {
    super(config);
  }

  override async executeHTTPGraphQLRequest(args: { httpGraphQLRequest: HTTPGraphQLRequest; context: () => Promise<C> }): Promise<HTTPGraphQLResponse> {
    let refused: GraphQLError | null = null;
    for (const check of this.limited.prechecks ?? []) if ((refused = check(args.httpGraphQLRequest))) break;
    refused ??= this.limited.guard.check(args.httpGraphQLRequest);
    if (!refused) return super.executeHTTPGraphQLRequest(args);
    this.limited.onRefused?.(refused);
    const { http, ...extensions } = refused.extensions as { http?: { status?: number } } & Record<string, unknown>;
    const body = JSON.stringify({ errors: [this.limited.formatError({ message: refused.message, extensions })] });
    return {
      status: http?.status ?? 400,
      headers: new HeaderMap([['content-type', 'application/json; charset=utf-8']]),
      body: { kind: 'complete', string: body },
    };
  }
}
