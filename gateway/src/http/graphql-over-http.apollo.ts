import type { ApolloServerOptions, BaseContext, HTTPGraphQLRequest, HTTPGraphQLResponse } from '@apollo/server';
import { LimitedApolloServer, type LimitedApolloServerOptions } from '../limits/limited-apollo.server';
import { isRecord } from '../limits/limits.guard';
import { shapeForAccept } from './graphql-over-http';
import { answerKey, type InflightAnswers } from './shared-answers';

/**
 * The gateway's Apollo Server: the limits guard first (LimitedApolloServer), then every answer —
 * the guard's refusals and Apollo's own — shaped for the client's Accept header in one place.
 * With `answers`, identical queries of one viewer in flight together are answered once.
 */
export class GatewayApolloServer<C extends BaseContext> extends LimitedApolloServer<C> {
  constructor(
    config: ApolloServerOptions<C>,
    limited: LimitedApolloServerOptions,
    private readonly answers?: InflightAnswers,
  ) {
    super(config, limited);
  }

  override async executeHTTPGraphQLRequest(args: { httpGraphQLRequest: HTTPGraphQLRequest; context: () => Promise<C> }): Promise<HTTPGraphQLResponse> {
    const run = () => super.executeHTTPGraphQLRequest(args);
    const answer = this.answers ? await this.answers.answer(await this.shareKey(args), run) : await run();
    return shapeForAccept(args.httpGraphQLRequest, answer);
  }

  /**
   * Null unless the request is a POSTed query whose document the guard has already judged. The
   * body's own fields, not `operationOf`'s normalised ones: variables that are not an object must
   * not share an answer with `{}`.
   */
  private async shareKey(args: { httpGraphQLRequest: HTTPGraphQLRequest; context: () => Promise<C> }): Promise<string | null> {
    const req = args.httpGraphQLRequest;
    const body = req.body;
    if (req.method !== 'POST' || !isRecord(body) || typeof body.query !== 'string') return null;
    if (this.limited.guard.operationKind(body.query, body.operationName) !== 'query') return null;
    const context = (await args.context()) as { viewer?: unknown };
    return answerKey(context.viewer, req.headers.get('accept'), req.headers.get('content-type'), body);
  }
}
