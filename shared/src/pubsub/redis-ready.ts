import type Redis from 'ioredis';

const waits = new WeakMap<Redis, Promise<void>>();

/** Reconnect back-off for every Redis connection of ours: 100 ms doubling to 2 s. */
export const redisRetryStrategy = (times: number) => Math.min(50 * 2 ** Math.min(times, 6), 2000);

/**
 * Resolves once `redis` is ready, or rejects after `ms` naming its status. Every caller that finds
 * the same connection down shares one wait (one listener, one timer), however many there are.
 */
export function readyWithin(redis: Redis, ms: number, what: string): Promise<void> {
  if (redis.status === 'ready') return Promise.resolve();
  let wait = waits.get(redis);
  if (!wait) {
    wait = new Promise<void>((resolve, reject) => {
      const done = (err?: Error) => {
        clearTimeout(timer);
        redis.off('ready', onReady);
        waits.delete(redis);
        if (err) reject(err);
        else resolve();
      };
      const onReady = () => done();
      const timer = setTimeout(() => done(new Error(`redis not reachable for ${what} (status ${redis.status}) after ${ms} ms`)), ms);
      redis.on('ready', onReady);
    });
    waits.set(redis, wait);
  }
  return wait;
}
