export * from './pubsub';
export * from './topics';
export * from './event.contract';
export * from './memory';
export * from './redis';
export * from './redis-ready';
export * from './redis-cluster';
export * from './bus.factory';
