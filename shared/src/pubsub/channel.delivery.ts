import type { Logger } from 'pino';
import type { Handler, SubscribeOptions } from './pubsub';
import { decodePayload, type TopicName } from './topics';

/** A channel's local subscribers, as both Redis buses (single node and cluster) keep them. */
export interface ChannelHandlers {
  topic: TopicName;
  handlers: Set<{ handler: Handler<unknown>; options: SubscribeOptions }>;
}

/**
 * One message from Redis to every local handler of its channel: decoded and checked once, a
 * malformed message dropped (logged), and a handler that throws never stops the others.
 */
export function deliverMessage(ch: ChannelHandlers | undefined, channel: string, message: string, log?: Logger): void {
  if (!ch?.handlers.size) return;
  let payload: unknown;
  try {
    payload = decodePayload(ch.topic, JSON.parse(message));
  } catch (e) {
    log?.error({ err: (e as Error).message, channel }, 'dropped malformed pubsub message');
    return;
  }
  for (const { handler } of [...ch.handlers]) {
    try {
      handler(payload);
    } catch (e) {
      log?.error({ err: e, channel }, 'pubsub handler failed');
    }
  }
}
