import type { BaseContext, HTTPGraphQLRequest, HTTPGraphQLResponse } from '@apollo/server';
import { LimitedApolloServer } from '../limits/limited-apollo.server';
import { shapeForAccept } from './graphql-over-http';

/**
 * The gateway's Apollo Server: the limits guard first (LimitedApolloServer), then every answer —
 * the guard's refusals and Apollo's own — shaped for the client's Accept header in one place.
 */
export class GatewayApolloServer<C extends BaseContext> extends LimitedApolloServer<C> {
  override async executeHTTPGraphQLRequest(args: { httpGraphQLRequest: HTTPGraphQLRequest; context: () => Promise<C> }): Promise<HTTPGraphQLResponse> {
    return shapeForAccept(args.httpGraphQLRequest, await super.executeHTTPGraphQLRequest(args));
  }
}
