export { attachSubscriptions, type AttachSubscriptionsOptions, type SubscriptionCounters, type SubscriptionServer } from './subscriptions.server';
export { OVERFLOW_CODE } from './subscription.member';
export type { HydrateExecute } from './subscription.plan';
export type { Replay } from './topic.feed';
