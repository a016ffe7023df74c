import type { ApolloServerPlugin, BaseContext } from '@apollo/server';

/** graphql-js' hint, e.g. ` Did you mean the enum value "SAFETY"?` or ` Did you mean "a", "b", or "c"?`. */
const SUGGESTION = / ?Did you mean [^?]*\?/g;

export const withoutSuggestions = (message: string) => message.replace(SUGGESTION, '');

/**
 * Drops "Did you mean …?" from every error a request meets. Apollo's
 * `hideSchemaDetailsFromClientErrors` does it for validation errors only; a variable that does
 * not coerce (`"PROPERTY_MANAGMENT"`) would still be told the enum's values, which production
 * hides from introspection.
 */
export function hideSuggestionsPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors }) {
          for (const e of errors) if (e.message.includes('Did you mean')) e.message = withoutSuggestions(e.message);
        },
      };
    },
  };
}
