/** Stubs resolve to their key alone: this subgraph holds no other field of them. */
const stub = { __resolveReference: (ref: { id: string }) => ({ id: ref.id }) };

export const foreignReferences = { Community: stub, Issue: stub, Session: stub };
