import type { SessionsContext } from '../context';

export const sessionReferences = {
  Session: { __resolveReference: (ref: { id: string }, ctx: SessionsContext) => ctx.loaders.session.load(ref.id) },
};
