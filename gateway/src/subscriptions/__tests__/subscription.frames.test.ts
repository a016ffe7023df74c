import { MessageType, stringifyMessage } from 'graphql-ws';
import { errorPayload, NextFrame } from '../subscription.frames';

/** Our hand-written frames must be byte-for-byte what graphql-ws would send for the same message. */
describe('next frames', () => {
  const ids = ['1', 'a7c1-uuid', 'quote"back\\slash', '中文 id', 'emoji 🚌', 'nl\nid'];
  const payloads = [
    { data: { issueEvents: { seq: 1, cursor: 'c1', kind: 'RAISED' } } },
    { data: { voteTally: { yes: 3, note: '居民 "说" \u2028' } } },
    JSON.parse(errorPayload('订阅者处理过慢 (too slow)', 'SUBSCRIPTION_OVERFLOW', 'MDAwMQ')),
    JSON.parse(errorPayload('token expired', 'UNAUTHENTICATED', null)),
  ];

  it.each(ids)('wraps a payload exactly as graphql-ws stringifyMessage does (id %j)', (id) => {
    const frame = new NextFrame(id);
    for (const payload of payloads) {
      const json = JSON.stringify(payload);
      const ours = frame.wrap(json);
      expect(ours).toBe(stringifyMessage<MessageType.Next>({ id, type: MessageType.Next, payload }));
      expect(Buffer.byteLength(ours)).toBe(frame.overheadBytes + Buffer.byteLength(json));
    }
  });

  it('carries the error shape clients read: message, code and resume cursor', () => {
    expect(JSON.parse(errorPayload('m', 'SUBSCRIPTION_OVERFLOW', 'c9'))).toEqual({ errors: [{ message: 'm', extensions: { code: 'SUBSCRIPTION_OVERFLOW', cursor: 'c9' } }] });
  });
});
