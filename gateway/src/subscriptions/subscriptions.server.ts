import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type GraphQLSchema } from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { MAX_BODY_BYTES, type PubSub, type Viewer } from '@plaza/shared';
import { authenticate, refuse } from './connection.auth';
import { DocumentCache } from './document.cache';
import { FollowIndex } from './follow.index';
import { GroupRegistry } from './group.registry';
import { LogReplayer, type Replay } from './log.replayer';
import { DEFAULT_SUBSCRIPTION_LIMITS, type SubscriptionLimits } from './operation.limits';
import { PlanCache } from './plan.cache';
import { SocketOutlet } from './socket.outlet';
import { Connection } from './subscriber.connection';
import { SubscriptionCore } from './subscription.core';
import { SubscriptionMetrics, type SubscriptionCounters, type SubscriptionLatency } from './subscription.metrics';
import type { HydrateExecute } from './subscription.plan';

export { REFUSED_CLOSE_CODE } from './connection.auth';
export type { SubscriptionCounters, SubscriptionLatency } from './subscription.metrics';

export interface AttachSubscriptionsOptions {
  httpServer: Server;
  /** Same path as HTTP GraphQL. Default '/graphql'. */
  path?: string;
  /** The API schema extended with the contract's Subscription, VoteTally and SessionEvent. */
  schema: GraphQLSchema;
  /** Runs an entity-hydration operation through the gateway as `viewer`. */
  execute: HydrateExecute;
  /** Reads the durable log: events of `topic` after `afterCursor`, oldest first, at most `limit`. */
  replay: Replay;
  pubsub: PubSub;
  /** Bearer token -> viewer; throws when the token is bad or expired. */
  verifyToken: (token: string) => Promise<Viewer>;
  log?: Logger;
  /** Events buffered per subscriber before it is cut off with SUBSCRIPTION_OVERFLOW. Default 1000. */
  bufferLimit?: number;
  /** Subscriptions one connection may hold open; past it TOO_MANY_SUBSCRIPTIONS. Default 100. */
  maxSubscriptionsPerConnection?: number;
  /** Keep-alive ping interval, ms. Default 12000. */
  keepAliveMs?: number;
  /** Page size of replays from the durable log. Default 500. */
  replayPageSize?: number;
  /**
   * Bytes one subscriber may have outstanding: results queued for it plus bytes its socket was
   * given that the peer has not yet confirmed reading (see SocketOutlet). Past it the
   * subscription ends with SUBSCRIPTION_OVERFLOW. Default 4 MB.
   */
  backlogBytes?: number;
  /** Unconfirmed bytes past which a socket is sent nothing more until the peer reads. Default 64 KB. */
  socketHighWaterBytes?: number;
  /** Depth, alias, cost and fragment-expansion limits, checked before planning; defaults in operation.limits.ts. */
  limits?: Partial<SubscriptionLimits>;
  /** Bytes of parsed documents kept for reuse beyond those in use. Default 4 MB. */
  documentCacheBytes?: number;
  /** Bytes of subscription plans kept for reuse beyond those in use. Default 4 MB. */
  planCacheBytes?: number;
}

export interface SubscriptionServer {
  readonly counters: SubscriptionCounters;
  /** Percentiles of hydration and delivery times since the gateway started. */
  latency(): SubscriptionLatency;
  /** Completes every subscription, closes every socket and leaves the bus. */
  close(): Promise<void>;
  /** The sockets open now; a draining gateway closes them with 1012 so clients resume with `after`. */
  sockets(): Iterable<WebSocket>;
}

/**
 * graphql-ws prints every socket 'error' with console.error and a stack trace ("Internal error
 * emitted on a WebSocket socket"), among them the ones ws raises for the client's own fault — a
 * frame over maxPayload (1009), a malformed or unmasked frame (1002) — after which ws has already
 * closed that socket with the right code. Those go to our log at debug with their code; any other
 * socket error still takes graphql-ws' path (logged, closed with 1011). Registered after
 * useServer, so graphql-ws' listener is already on the socket.
 */
function quietClientFaults(wss: WebSocketServer, log: Logger | undefined): void {
  wss.on('connection', (socket: WebSocket) => {
    const theirs = socket.listeners('error') as ((err: Error) => void)[];
    for (const l of theirs) socket.off('error', l);
    socket.once('error', (err: Error & { code?: string }) => {
      if (err.code?.startsWith('WS_ERR_')) return void log?.debug({ code: err.code, message: err.message }, 'websocket closed for a client protocol fault');
      for (const l of theirs) l.call(socket, err);
    });
  });
}

/**
 * GraphQL subscriptions over graphql-ws on the gateway's HTTP server, fed by the bus. See
 * issue 4: filters before hydration; one hydration and one serialisation per event per group;
 * `after` replays the durable log, then goes live without gap or duplicate; a bounded buffer per
 * subscriber; auth in connection_init, with the token's expiry ending its subscriptions.
 *
 * This is the adapter (sockets, upgrade, graphql-ws callbacks, shutdown); the parts it wires:
 * SubscriptionCore (subscribe messages), GroupRegistry (groups, feeds, resumes), LogReplayer,
 * Connection (viewer, expiry, its members), SubscriptionMetrics.
 */
export function attachSubscriptions(o: AttachSubscriptionsOptions): SubscriptionServer {
  const path = o.path ?? '/graphql';
  const connections = new WeakMap<WebSocket, Connection>();
  /** Each WebSocket's upgraded TCP socket, corked while several frames go to it at once. */
  const streams = new WeakMap<WebSocket, Duplex>();
  const live = new Set<Connection>();
  let openOperations = 0;
  let closing = false;
  const limits: SubscriptionLimits = { ...DEFAULT_SUBSCRIPTION_LIMITS, ...o.limits };
  const metrics = new SubscriptionMetrics();
  const documents = new DocumentCache(o.schema, { budgetBytes: o.documentCacheBytes, maxExpandedSelections: limits.maxExpandedSelections, sourceLimits: limits });
  const plans = new PlanCache(o.schema, o.planCacheBytes ?? 4 * 1024 * 1024);
  // Reading a resident's follows is not an event's hydration: not counted or timed as one.
  const follows = new FollowIndex((doc, vars, viewer) => o.execute(doc, vars, viewer), o.pubsub, o.log);
  const groups = new GroupRegistry({
    pubsub: o.pubsub,
    replayer: new LogReplayer(o.replay, o.replayPageSize ?? 500),
    execute: metrics.timed(o.execute),
    follows,
    limits: { bufferLimit: o.bufferLimit ?? 1000, backlogBytes: o.backlogBytes ?? 4 * 1024 * 1024 },
    received: metrics.received,
    delivered: metrics.delivered,
    overflowed: metrics.overflowed,
    log: o.log,
  });
  // A screen holds 3, a console a handful: the cap only stops one socket holding unbounded state.
  const core = new SubscriptionCore({ schema: o.schema, limits, documents, plans, groups, maxPerConnection: o.maxSubscriptionsPerConnection ?? 100 });

  // The same cap as an HTTP body: ws' default (100 MiB) would let one message hold that much memory.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_BODY_BYTES });
  // Only our path: other upgrade handlers on the same server keep theirs.
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== path) return;
    if (closing) return void socket.destroy();
    // graphql-ws keeps the upgrade request for the connection's lifetime (ctx.extra.request);
    // nothing here reads it, so it gets a slim stand-in and the IncomingMessage can be freed —
    // a few KB per subscriber at 10,000 of them.
    wss.handleUpgrade(req, socket, head, (ws) => (streams.set(ws, socket), wss.emit('connection', ws, { url: req.url, headers: {} })));
  };
  o.httpServer.on('upgrade', onUpgrade);

  const disposable = useServer<Record<string, unknown>, { connection?: Connection }>(
    {
      schema: o.schema,
      onConnect: async (ctx) => {
        const auth = await authenticate(ctx.connectionParams, o.verifyToken);
        if ('refused' in auth) return refuse(ctx.extra.socket as WebSocket, auth.refused);
        // graphql-ws keeps connectionParams for the socket's life; the token is not needed again.
        delete (ctx as { connectionParams?: unknown }).connectionParams;
        const conn = new Connection(auth.viewer, new SocketOutlet(ctx.extra.socket, { highWaterBytes: o.socketHighWaterBytes, stream: streams.get(ctx.extra.socket) }));
        connections.set(ctx.extra.socket, conn);
        live.add(conn);
        return true;
      },
      onClose: (ctx) => {
        const conn = connections.get(ctx.extra.socket);
        if (!conn) return;
        conn.closed();
        live.delete(conn);
      },
      // A refusal here is an `error` message; see SubscriptionCore.prepare.
      onSubscribe: (ctx, id, payload) => {
        const connection = connections.get(ctx.extra.socket);
        if (!connection) return [new GraphQLError('连接未初始化 (connection not initialised)', { extensions: { code: 'UNAUTHENTICATED' } })];
        const args = core.prepare(connection, id, payload);
        return Array.isArray(args) ? [...args] : (args as Exclude<typeof args, readonly GraphQLError[]>);
      },
      subscribe: (async (args: Parameters<SubscriptionCore['subscribe']>[0]) => {
        const r = await core.subscribe(args);
        if (Symbol.asyncIterator in r) openOperations++;
        return r;
      }) as never,
      onComplete: () => {
        openOperations = Math.max(0, openOperations - 1);
      },
    },
    wss,
    o.keepAliveMs ?? 12_000,
  );
  quietClientFaults(wss, o.log);

  return {
    get counters(): SubscriptionCounters {
      let unreadBytes = 0;
      for (const c of live) unreadBytes += c.outlet.unacked;
      return {
        eventsReceived: metrics.eventsReceived,
        hydrations: metrics.hydrations,
        deliveries: metrics.deliveries,
        overflows: metrics.overflows,
        followLoads: follows.loads,
        followEvents: follows.applied,
        subscribers: groups.subscribers,
        groups: groups.size,
        cacheBytes: { documents: documents.bytes, plans: plans.bytes },
        connections: live.size,
        unreadBytes,
      };
    },
    latency: () => metrics.latency(),
    sockets: () => wss.clients,
    async close() {
      if (closing) return;
      closing = true;
      o.httpServer.off('upgrade', onUpgrade);
      for (const conn of live) conn.endAll();
      // Let graphql-ws send each `complete` before the sockets go.
      for (let i = 0; i < 100 && openOperations > 0; i++) await new Promise((r) => setTimeout(r, 10));
      await disposable.dispose();
      await groups.close();
      await follows.close();
      plans.clear();
    },
  };
}
