export * from './pubsub';
export * from './topics';
export * from './memory';
export * from './redis';
