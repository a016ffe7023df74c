import type { Server } from 'node:http';
import type { Logger } from 'pino';
import type { WebSocket } from 'ws';

/** WebSocket close code "Service Restart": graphql-ws clients (and the screen) reconnect on it. */
export const SERVICE_RESTART = 1012;

export interface DrainOptions {
  server: Server;
  /** The open WebSockets (the subscription server's), or none. */
  sockets: () => Iterable<WebSocket>;
  log?: Logger;
  /** How long sockets get to answer our close frame before they are cut. Default 2000 ms. */
  closeTimeoutMs?: number;
}

export interface Drain {
  /** True from the moment drain() is called: /ready answers 503, new WebSockets are refused. */
  readonly draining: boolean;
  /**
   * /ready answers 503 and WebSocket upgrades are refused (503) at once, so the load balancer
   * takes this gateway out and reconnecting clients land on another; HTTP goes on meanwhile.
   * After `graceMs` (at once when no socket is open) every WebSocket closes with 1012, the
   * listener closes and requests still running get what is left of the grace, then are cut.
   * Subscriptions are not completed: a `complete` would tell clients the stream ended, a 1012
   * tells them to come back (to another gateway) and resume with `after`.
   */
  drain(graceMs: number): Promise<void>;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const REFUSED = 'HTTP/1.1 503 Service Unavailable\r\nretry-after: 1\r\ncontent-length: 0\r\nconnection: close\r\n\r\n';

export function createDrain(o: DrainOptions): Drain {
  let draining = false;
  let done: Promise<void> | null = null;
  const count = () => [...o.sockets()].length;
  // Ahead of the subscription server's own listener: ws does not take a socket already ended.
  o.server.prependListener('upgrade', (_req, socket) => {
    if (draining) socket.end(REFUSED);
  });

  async function run(graceMs: number) {
    draining = true;
    const started = Date.now();
    const left = () => graceMs - (Date.now() - started);
    o.log?.info({ graceMs, sockets: count() }, 'draining: /ready answers 503, new sockets refused');
    while (count() > 0 && left() > 0) await sleep(Math.min(50, left()));
    const sockets = [...o.sockets()];
    for (const ws of sockets) ws.close(SERVICE_RESTART, 'service restart');
    const closed = new Promise<void>((resolve) => (o.server.listening ? o.server.close(() => resolve()) : resolve()));
    o.server.closeIdleConnections();
    const until = Date.now() + Math.max(o.closeTimeoutMs ?? 2000, left());
    while (count() > 0 && Date.now() < until) await sleep(20);
    for (const ws of o.sockets()) ws.terminate();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([closed, new Promise((r) => (timer = setTimeout(r, Math.max(0, until - Date.now()))))]);
    clearTimeout(timer);
    o.server.closeAllConnections();
    o.log?.info({ closedSockets: sockets.length, ms: Date.now() - started }, 'drained');
  }

  return {
    get draining() {
      return draining;
    },
    drain(graceMs) {
      return (done ??= run(graceMs));
    },
  };
}
