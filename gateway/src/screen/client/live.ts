/// <reference lib="dom" />
import { createClient, type Client } from 'graphql-ws';
import { wsUrl } from './api';

export type LiveState = 'connecting' | 'live' | 'reconnecting';

export interface LiveSubscription {
  /** The document; it must declare `$after: String` and select `cursor` on its root field. */
  query: string;
  /** Variables besides `after`. */
  variables: Record<string, unknown>;
  /** Called once per event, in order. */
  onEvent(data: Record<string, any>): void;
}

export interface LiveOptions {
  token: string | null;
  subscriptions: LiveSubscription[];
  onState(state: LiveState): void;
  /** Runs after every (re)connection: reload what the page shows, to cover anything missed. */
  onConnected(reconnect: boolean): void;
  /** The gateway refused the token (close 4401, or 4403 from an older gateway): the page says so; reconnecting goes on. */
  onDenied?(): void;
  /** First back-off delay, ms; doubles per failed attempt up to `maxDelayMs`. Default 500 / 10000. */
  minDelayMs?: number;
  maxDelayMs?: number;
}

/**
 * Keeps the subscriptions alive across gateway restarts and network drops. graphql-ws's own retry
 * would re-send the ORIGINAL variables; we reconnect ourselves instead, so every subscription
 * resumes with `after` = the last cursor it saw and the server replays what happened meanwhile.
 */
export function startLive(o: LiveOptions): { stop(): void } {
  const minDelay = o.minDelayMs ?? 500;
  const maxDelay = o.maxDelayMs ?? 10_000;
  const cursors = o.subscriptions.map(() => null as string | null);
  let client: Client | null = null;
  let attempt = 0;
  let everConnected = false;
  let stopped = false;
  let timer: ReturnType<typeof setTimeout> | null = null;

  const schedule = () => {
    if (stopped || timer) return;
    o.onState(everConnected ? 'reconnecting' : 'connecting');
    const delay = Math.min(maxDelay, minDelay * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    attempt++;
    timer = setTimeout(() => {
      timer = null;
      connect();
    }, delay);
  };

  // dispose() awaits the pending connection and rethrows its failure: nothing left to do then.
  const dispose = (c: Client) => void Promise.resolve(c.dispose()).catch(() => {});

  const drop = (c: Client) => {
    if (client !== c) return;
    client = null;
    dispose(c);
    schedule();
  };

  const connect = () => {
    if (stopped) return;
    const c = createClient({
      url: wsUrl(),
      lazy: false,
      retryAttempts: 0,
      keepAlive: 10_000,
      connectionParams: o.token ? { authorization: `Bearer ${o.token}` } : {},
      on: {
        connected: () => {
          if (client !== c) return;
          const reconnect = everConnected;
          everConnected = true;
          attempt = 0;
          o.onState('live');
          o.onConnected(reconnect);
        },
        closed: (event) => {
          if ([4401, 4403].includes((event as { code?: number } | undefined)?.code ?? 0)) o.onDenied?.();
          drop(c);
        },
        error: () => drop(c),
      },
    });
    client = c;
    o.subscriptions.forEach((s, i) => {
      c.subscribe(
        { query: s.query, variables: { ...s.variables, after: cursors[i] } },
        {
          next: (result) => {
            if (!result.data) return;
            const payload = Object.values(result.data)[0] as Record<string, any> | null;
            if (!payload) return;
            if (typeof payload.cursor === 'string') cursors[i] = payload.cursor;
            try {
              s.onEvent(payload);
            } catch (e) {
              console.error('screen: event handler failed', e);
            }
          },
          // A subscription that errors or completes while the socket lives: start over, resuming.
          error: () => drop(c),
          complete: () => {
            if (!stopped) drop(c);
          },
        },
      );
    });
  };

  o.onState('connecting');
  connect();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      if (client) dispose(client);
      client = null;
    },
  };
}
