export { attachSubscriptions, type AttachSubscriptionsOptions, type SubscriptionServer } from './subscriptions.server';
export type { SubscriptionCounters } from './subscription.metrics';
export { OVERFLOW_CODE } from './subscription.member';
export type { HydrateExecute } from './subscription.plan';
export type { Replay } from './topic.feed';
