import type { ApolloServerPlugin } from '@apollo/server';
import { Kind } from 'graphql';
import type { GatewayContext } from '../gateway';

/** Mutations that may change what their viewer follows (raising and supporting follow too). */
const FOLLOW_CHANGING = new Set(['followIssue', 'unfollowIssue', 'raiseIssue', 'supportIssue', 'withdrawSupport']);

/**
 * Tells the subscription server, before the client has the mutation's answer, that the viewer's
 * followed set may have changed: an event of a request they just followed is then judged on a
 * fresh set (myIssueEvents). Mutations through another gateway are covered by its TTL.
 */
export function followInvalidationPlugin(target: () => { followsChanged(viewerId: string | null): void } | null): ApolloServerPlugin<GatewayContext> {
  return {
    async requestDidStart() {
      return {
        async willSendResponse(rc) {
          const op = rc.operation;
          if (op?.operation !== 'mutation' || !rc.contextValue.viewer?.id) return;
          const changes = op.selectionSet.selections.some((s) => s.kind === Kind.FIELD && FOLLOW_CHANGING.has(s.name.value));
          if (changes) target()?.followsChanged(rc.contextValue.viewer.id);
        },
      };
    },
  };
}
