import { createClient, type Client, type ClientOptions } from 'graphql-ws';

/**
 * A graphql-ws client for consoles that loses no event across dropped sockets (issue 14).
 *
 * graphql-ws retries a dropped socket by itself and re-sends each subscription — with the
 * variables it was first given, so events published while the socket was down were lost (no
 * `after`) or replayed from the start (the first `after`). Here each subscription's `after` is
 * moved to the last cursor it delivered, so every resubscribe resumes exactly there and the
 * gateway replays only what was missed; anything delivered twice anyway (an event in flight when
 * the socket dropped) is dropped by cursor.
 *
 *   const live = createLiveClient({ url: 'wss://…/graphql', connectionParams: { authorization: `Bearer ${jwt}` } });
 *   live.subscribe(`subscription($after: String) { myIssueEvents(after: $after) { cursor kind issue { title } } }`, {}, { next: (e) => … });
 *
 * The document must declare `$after: String`, pass it to its root field and select `cursor`.
 */

export interface LiveSink<T> {
  /** Each event once, in order: the root field's value (e.g. the IssueEvent). */
  next(event: T): void;
  /** A refusal (bad token: close 4401; a GraphQL error such as FORBIDDEN) — not retried. */
  error?(error: unknown): void;
  complete?(): void;
}

export interface LiveClient {
  /** Starts a subscription; `variables` without `after` (give one to start from a known cursor). Returns the stop function. */
  subscribe<T extends { cursor: string } = { cursor: string } & Record<string, unknown>>(query: string, variables: Record<string, unknown>, sink: LiveSink<T>): () => void;
  /** The last cursor each live subscription delivered, e.g. to persist and pass as `after` next time. */
  cursors(): string[];
  readonly client: Client;
  dispose(): Promise<void>;
}

/** Cursors remembered per subscription to drop repeats (only events in flight at a drop repeat). */
const RECENT = 256;

export type LiveClientOptions = ClientOptions & {
  /** Default: retry for ever (graphql-ws' back-off; 4400/4401/4500 are still final). */
  retryAttempts?: number;
};

/**
 * graphql-ws retries only close events by default: a reconnect refused while the network or the
 * gateway is still down (ECONNREFUSED arrives as an error event, before the close) ended every
 * subscription for good. Consoles keep trying; the close codes graphql-ws treats as final
 * (4400 bad request, 4401 bad token, 4500 …) still end them.
 */
const retryEveryDrop = () => true;

export function createLiveClient(options: LiveClientOptions): LiveClient {
  const client = createClient({ retryAttempts: Number.POSITIVE_INFINITY, shouldRetry: retryEveryDrop, ...options });
  const live = new Set<{ last: () => string | null }>();
  return {
    client,
    subscribe(query, variables, sink) {
      // graphql-ws re-sends this very object on every reconnect: keeping `after` current in it
      // makes each resubscribe resume from the last event delivered.
      const payload = { query, variables: { ...variables, after: (variables.after as string | undefined) ?? null } };
      const recent = new Set<string>();
      const entry = { last: () => payload.variables.after };
      live.add(entry);
      const stop = client.subscribe<Record<string, unknown>>(payload, {
        next: (result) => {
          if (result.errors?.length && !result.data) return sink.error?.(result.errors);
          const event = result.data ? (Object.values(result.data)[0] as Parameters<typeof sink.next>[0] | null | undefined) : null;
          if (!event || typeof event.cursor !== 'string') return;
          if (recent.has(event.cursor)) return;
          recent.add(event.cursor);
          if (recent.size > RECENT) recent.delete(recent.values().next().value as string);
          payload.variables.after = event.cursor;
          sink.next(event);
        },
        error: (e) => {
          live.delete(entry);
          sink.error?.(e);
        },
        complete: () => {
          live.delete(entry);
          sink.complete?.();
        },
      });
      return () => {
        live.delete(entry);
        stop();
      };
    },
    cursors: () => [...live].map((e) => e.last()).filter((c): c is string => c != null),
    dispose: async () => {
      await client.dispose();
    },
  };
}
