import type { SessionsContext } from '../context';

export const topicReferences = {
  TopicProposal: { __resolveReference: (ref: { id: string }, ctx: SessionsContext) => ctx.loaders.topic.load(ref.id) },
};
