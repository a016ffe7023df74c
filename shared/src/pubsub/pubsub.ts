import type { TopicMap, TopicName } from './topics';

/** Receives one decoded payload of a topic. Errors it throws are logged, never propagated. */
export type Handler<T> = (payload: T) => void;

/** Stops one subscription; idempotent. Other subscriptions of the same topic keep receiving. */
export type Unsubscribe = () => Promise<void>;

export interface SubscribeOptions {
  /**
   * Called after the bus lost its connection and got it back: messages published meanwhile are
   * gone (pub/sub is fire-and-forget), so a consumer that must not miss events replays from its
   * last cursor. Never called by the in-process bus.
   */
  onReconnect?: () => void;
}

/**
 * The event bus every service and the gateway share. Payloads travel as JSON and are
 * shape-checked (Dates rebuilt) on receipt, so every implementation hands handlers the same
 * values; see `topics.ts` for the channels.
 */
export interface PubSub {
  /** Resolves once the bus accepted the message; rejects when it cannot (e.g. Redis down). */
  publish<K extends TopicName>(topic: K, payload: TopicMap[K]): Promise<void>;
  /** Resolves once the subscription is active: messages published after that reach `handler`. */
  subscribe<K extends TopicName>(topic: K, handler: Handler<TopicMap[K]>, options?: SubscribeOptions): Promise<Unsubscribe>;
  /** Ends every subscription and releases connections. */
  close(): Promise<void>;
}
