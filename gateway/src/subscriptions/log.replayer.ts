import { decodePayload, type TopicMap, type TopicName } from '@plaza/shared';

/** Reads the durable log: events of `topic` after `afterCursor`, oldest first, at most `limit`. */
export type Replay = <K extends TopicName>(topic: K, afterCursor: string, limit: number) => Promise<TopicMap[K][]>;

/**
 * The one page loop over the durable log, for both of its readers: a topic feed filling the gap
 * after the bus reconnects, and a subscriber resuming with `after`. Pages are read only as the
 * consumer asks for events, so a slow subscriber slows its own replay.
 */
export class LogReplayer {
  constructor(
    private readonly replay: Replay,
    /** Events per read of the log. */
    readonly pageSize: number,
  ) {}

  /** Decoded events after `after`, in log order; a consumer that stops early stops the reads. */
  async *events<K extends TopicName>(topic: K, after: string): AsyncGenerator<TopicMap[K]> {
    let cursor = after;
    for (;;) {
      const page = await this.replay(topic, cursor, this.pageSize);
      for (const raw of page) yield decodePayload(topic, raw);
      if (page.length < this.pageSize) return;
      cursor = page[page.length - 1]!.cursor;
    }
  }
}
