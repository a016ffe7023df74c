import { formatClientError, HydrationFailedError, SubscriptionsUnavailableError, TooManySubscriptionsError } from '../src/errors';

describe('the gateway subscription errors', () => {
  it.each([
    [new TooManySubscriptionsError(3), { code: 'TOO_MANY_SUBSCRIPTIONS', limit: 3 }],
    [new HydrationFailedError('socket hang up'), { code: 'HYDRATION_FAILED' }],
    [new SubscriptionsUnavailableError(), { code: 'SUBSCRIPTIONS_UNAVAILABLE' }],
  ])('%s carries its stable code and reaches a client as it is', (err, extensions) => {
    expect(err.extensions).toEqual(extensions);
    expect(JSON.parse(JSON.stringify(err))).toEqual({ message: err.message, extensions });
    expect(formatClientError({ message: err.message, extensions: err.extensions })).toEqual({ message: err.message, extensions });
  });

  it('REPLAY_FAILED is a client code too, not masked as an internal error', () => {
    expect(formatClientError({ message: '回放失败', extensions: { code: 'REPLAY_FAILED', cursor: 'c' } }).extensions).toEqual({ code: 'REPLAY_FAILED', cursor: 'c' });
  });
});
