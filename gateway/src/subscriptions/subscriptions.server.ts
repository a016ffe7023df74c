import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { GraphQLError, type ExecutionArgs, type GraphQLSchema } from 'graphql';
import type { Context } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { Logger } from 'pino';
import { ANONYMOUS, eventSeq, MAX_BODY_BYTES, TooManySubscriptionsError, type ErrorCode, type PubSub, type TopicName, type Viewer } from '@plaza/shared';
import { ByteLru } from './byte.lru';
import { DocumentCache, type CachedDocument } from './document.cache';
import { LatencyHistogram } from './latency.histogram';
import { SubscriptionGroup } from './subscription.group';
import { Member, type SharedResult } from './subscription.member';
import { SocketOutlet } from './socket.outlet';
import { DEFAULT_SUBSCRIPTION_LIMITS, type SubscriptionLimits } from './operation.limits';
import { SubscriptionPlan, stable, type HydrateExecute } from './subscription.plan';
import { hydrationLimitError, prepareRequest } from './subscription.request';
import { TopicFeed } from './topic.feed';
import { LogReplayer, type Replay } from './log.replayer';
import { FollowIndex } from './follow.index';

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

export interface SubscriptionCounters {
  /** Messages this gateway received from the bus. */
  eventsReceived: number;
  /** Hydration operations run through the supergraph. */
  hydrations: number;
  /** Results written to sockets. */
  deliveries: number;
  /** Subscriptions open now. */
  subscribers: number;
  /** Distinct (operation, variables, auth scope) groups now. */
  groups: number;
  /** Estimated bytes held by the document and plan caches. */
  cacheBytes: { documents: number; plans: number };
  /** Open WebSocket connections. */
  connections: number;
  /** Reads of a resident's followed requests (myIssueEvents routing: once per resident subscribing). */
  followLoads: number;
  /** Follow events (from any gateway's mutations) that changed a subscribed resident's followed set. */
  followEvents: number;
  /** Bytes written to all sockets that their peers have not yet confirmed reading. */
  unreadBytes: number;
}

export interface SubscriptionLatency {
  /** Hydration operations through the supergraph, ms. */
  hydrationMs: ReturnType<LatencyHistogram['summary']>;
  /** From the gateway taking an event up to its bytes going to a subscriber's socket, ms. */
  deliveryMs: ReturnType<LatencyHistogram['summary']>;
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

interface Connection {
  viewer: Viewer;
  expired: boolean;
  members: Set<Member>;
  /** Subscriptions open or being opened: reserved synchronously, so the cap holds under a burst. */
  slots: number;
  expiry: NodeJS.Timeout | null;
  /** The socket, written to directly by the connection's subscriptions. */
  outlet: SocketOutlet;
}

/**
 * Closes with 4401 and a reason a client can show. graphql-ws' own refusal (returning false) is
 * 4403, which its clients retry ~5 times over 30-45 s before reporting anything; 4401 is fatal to
 * them. Our close goes first; graphql-ws' 4403 after it is a no-op on a closing socket.
 */
function refuse(ctx: Context<Record<string, unknown>, any>, reason: string): false {
  // Close reasons are capped at 123 bytes by the protocol.
  (ctx.extra.socket as WebSocket).close(REFUSED_CLOSE_CODE, Buffer.from(reason).subarray(0, 123).toString());
  return false;
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

/** graphql-ws CloseCode.Unauthorized: a client does not retry it. */
export const REFUSED_CLOSE_CODE = 4401;

/** Longest timer Node accepts; a token valid for longer is re-checked after that. */
const MAX_TIMER = 2 ** 31 - 1;

const gqlError = (message: string, code: ErrorCode, extra: Record<string, unknown> = {}) =>
  new GraphQLError(message, { extensions: { code, ...extra } });

/** What onSubscribe hands to subscribe: everything checked and planned before any await. */
interface SubscribeContext {
  connection: Connection;
  id: string;
  plan: SubscriptionPlan;
  document: CachedDocument;
}

/**
 * GraphQL subscriptions over graphql-ws on the gateway's HTTP server, fed by the bus. See
 * issue 4: filters before hydration; one hydration and one serialisation per event per group;
 * `after` replays the durable log, then goes live without gap or duplicate; a bounded buffer per
 * subscriber; auth in connection_init, with the token's expiry ending its subscriptions.
 */
export function attachSubscriptions(o: AttachSubscriptionsOptions): SubscriptionServer {
  const path = o.path ?? '/graphql';
  const bufferLimit = o.bufferLimit ?? 1000;
  // A screen holds 3, a console a handful: the cap only stops one socket holding unbounded state.
  const maxPerConnection = o.maxSubscriptionsPerConnection ?? 100;
  const replayer = new LogReplayer(o.replay, o.replayPageSize ?? 500);
  const counters = { eventsReceived: 0, hydrations: 0, deliveries: 0 };
  const connections = new WeakMap<WebSocket, Connection>();
  const live = new Set<Connection>();
  const groups = new Map<string, SubscriptionGroup>();
  const feeds = new Map<TopicName, TopicFeed<any>>();
  let openOperations = 0;
  let closing = false;
  const backlogBytes = o.backlogBytes ?? 4 * 1024 * 1024;
  const limits: SubscriptionLimits = { ...DEFAULT_SUBSCRIPTION_LIMITS, ...o.limits };
  const documents = new DocumentCache(o.schema, { budgetBytes: o.documentCacheBytes, maxExpandedSelections: limits.maxExpandedSelections, sourceLimits: limits });
  // Plans by document, operation and the declared variables' values (never by whatever else a
  // client sent): identical subscribers share one. Bounded by bytes; unused plans go first.
  const plans = new ByteLru<string, SubscriptionPlan>(o.planCacheBytes ?? 4 * 1024 * 1024, (p) => p.users > 0);
  const planOf = (doc: CachedDocument, operationName: string | null, coerced: Record<string, unknown>, used: Record<string, unknown>): SubscriptionPlan => {
    const k = `${doc.id}|${operationName ?? ''}|${stable(used)}`;
    let plan = plans.get(k);
    if (!plan) {
      plan = new SubscriptionPlan(o.schema, doc.document!, operationName, coerced, used);
      // The plan keeps parts of the document's AST alive: counted with it.
      plans.set(k, plan, doc.bytes + 2 * (k.length + plan.groupKey.length) + 2048);
    }
    return plan;
  };

  const follows = new FollowIndex((doc, vars, viewer) => o.execute(doc, vars, viewer), o.pubsub, o.log);
  const hydrationTimes = new LatencyHistogram();
  const deliveryTimes = new LatencyHistogram();
  const execute: HydrateExecute = async (doc, variables, viewer) => {
    counters.hydrations++;
    const t0 = performance.now();
    try {
      return await o.execute(doc, variables, viewer);
    } finally {
      hydrationTimes.record(performance.now() - t0);
    }
  };

  const feedOf = <K extends TopicName>(topic: K): TopicFeed<K> => {
    let f = feeds.get(topic);
    if (!f) {
      f = new TopicFeed(topic, o.pubsub, replayer, () => counters.eventsReceived++, o.log);
      feeds.set(topic, f);
    }
    return f;
  };

  // The same cap as an HTTP body: ws' default (100 MiB) would let one message hold that much memory.
  const wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, maxPayload: MAX_BODY_BYTES });
  // Only our path: other upgrade handlers on the same server keep theirs.
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://x').pathname !== path) return;
    if (closing) return void socket.destroy();
    // graphql-ws keeps the upgrade request for the connection's lifetime (ctx.extra.request);
    // nothing here reads it, so it gets a slim stand-in and the IncomingMessage can be freed —
    // a few KB per subscriber at 10,000 of them.
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, { url: req.url, headers: {} }));
  };
  o.httpServer.on('upgrade', onUpgrade);

  const delivered = (r: SharedResult) => {
    counters.deliveries++;
    deliveryTimes.record(performance.now() - r.since);
  };

  const expire = (conn: Connection) => {
    conn.expired = true;
    for (const m of conn.members) m.end({ code: 'UNAUTHENTICATED', message: '令牌已过期 (token expired; reconnect with a fresh token)' });
  };

  const scheduleExpiry = (conn: Connection) => {
    if (!conn.viewer.exp) return;
    const ms = conn.viewer.exp * 1000 - Date.now();
    conn.expiry = setTimeout(() => (conn.viewer.exp! * 1000 <= Date.now() ? expire(conn) : scheduleExpiry(conn)), Math.max(0, Math.min(ms, MAX_TIMER)));
    conn.expiry.unref();
  };

  const scopeOf = (v: Viewer, viewerDependent: boolean) =>
    !v.id ? 'anonymous' : viewerDependent ? `viewer:${v.id}` : `roles:${[...v.roles].sort().join(',')}|communities:${[...v.communityIds].sort().join(',')}`;

  async function replayInto(member: Member, group: SubscriptionGroup, after: string) {
    const topic = group.plan.binding.topic;
    try {
      for await (const e of replayer.events(topic, after)) {
        if (member.ended) return;
        if (!group.plan.matches(e)) continue;
        if (member.follower) {
          const follower = member.follower;
          await follows.ready((id) => id === follower);
          if (!follows.follows(member.follower, (e as { issueId: string }).issueId)) continue;
        }
        // Back-pressure: a slow reader slows its replay instead of overflowing on it.
        await member.drained(Math.floor(bufferLimit / 2));
        member.replayed(e.seq, e.cursor, await group.render(e as never));
      }
      member.goLive();
    } catch (e) {
      o.log?.error({ err: e, topic }, 'replay failed');
      member.end({ code: 'REPLAY_FAILED', message: `回放失败 (replay from the durable log failed: ${(e as Error).message})` });
    }
  }

  async function subscribe(args: ExecutionArgs) {
    const { connection: conn, id, plan, document } = args.contextValue as SubscribeContext;
    if (conn.expired) return { errors: [gqlError('令牌已过期 (token expired)', 'UNAUTHENTICATED')] };
    if (plan.binding.perFollower) {
      if (!conn.viewer.id) return { errors: [gqlError('请先登录 (myIssueEvents needs a signed-in resident)', 'UNAUTHENTICATED')] };
      if (!conn.viewer.roles.includes('RESIDENT')) return { errors: [gqlError('仅限居民 (myIssueEvents is for RESIDENT viewers)', 'FORBIDDEN')] };
    }
    if (conn.slots >= maxPerConnection) {
      return { errors: [new TooManySubscriptionsError(maxPerConnection)] };
    }
    // Reserved before the first await: checked and taken in one step, or a burst of subscribes
    // on one socket would all pass the check before any of them was counted.
    conn.slots++;
    plan.users++;
    document.users++;
    let member: Member | null = null;
    const release = () => {
      conn.slots--;
      plan.users--;
      documents.release(document);
      plans.trim();
    };
    try {
      const afterSeq = plan.after ? eventSeq(plan.after) : null;
      if (plan.after && afterSeq == null) {
        return { errors: [gqlError(`无效的游标 (invalid cursor ${JSON.stringify(plan.after)})`, 'BAD_USER_INPUT', { field: 'after' })] };
      }
      const feed = feedOf(plan.binding.topic);
      await feed.start(); // live events are captured before the replay reads the log: no gap
      const key = `${plan.groupKey}|${scopeOf(conn.viewer, plan.viewerDependent)}`;
      let group = groups.get(key);
      if (!group) {
        const g = new SubscriptionGroup(key, plan, conn.viewer, execute, o.log, plan.binding.perFollower ? follows : undefined);
        groups.set(key, (group = g));
        g.detach = feed.listen((e) => g.offer(e));
      }
      const g = group;
      const m = new Member({ outlet: conn.outlet, id, delivered, log: o.log }, { bufferLimit, backlogBytes }, afterSeq, plan.after);
      member = m;
      if (plan.binding.perFollower) {
        m.follower = conn.viewer.id!;
        follows.acquire(conn.viewer);
      }
      g.add(m);
      conn.members.add(m);
      m.onEnd = () => {
        if (m.follower) follows.release(conn.viewer);
        g.remove(m);
        conn.members.delete(m);
        release();
        if (!g.members.size && groups.get(g.key) === g) {
          groups.delete(g.key);
          g.detach();
        }
      };
      if (plan.after) void replayInto(m, g, plan.after);
      openOperations++;
      return m;
    } finally {
      if (!member) release();
    }
  }

  const disposable = useServer<Record<string, unknown>, { connection?: Connection }>(
    {
      schema: o.schema,
      onConnect: async (ctx: Context<Record<string, unknown>, any>) => {
        const auth = ctx.connectionParams?.authorization;
        let viewer: Viewer = ANONYMOUS;
        if (auth != null) {
          const m = typeof auth === 'string' ? /^Bearer\s+(\S+)$/i.exec(auth.trim()) : null;
          if (!m) return refuse(ctx, 'UNAUTHENTICATED: malformed authorization (expected Bearer <jwt>)');
          try {
            viewer = await o.verifyToken(m[1]!);
          } catch {
            return refuse(ctx, 'UNAUTHENTICATED: invalid or expired token');
          }
        }
        // graphql-ws keeps connectionParams for the socket's life; the token is not needed again.
        delete (ctx as { connectionParams?: unknown }).connectionParams;
        const conn: Connection = {
          viewer, expired: false, members: new Set(), slots: 0, expiry: null,
          outlet: new SocketOutlet(ctx.extra.socket, { highWaterBytes: o.socketHighWaterBytes }),
        };
        connections.set(ctx.extra.socket, conn);
        live.add(conn);
        scheduleExpiry(conn);
        return true;
      },
      onClose: (ctx) => {
        const conn = connections.get(ctx.extra.socket);
        if (!conn) return;
        if (conn.expiry) clearTimeout(conn.expiry);
        for (const m of [...conn.members]) void m.return();
        conn.outlet.close();
        live.delete(conn);
      },
      // Parsed and validated once per distinct query text, shared by every subscriber using it;
      // then the operation, its variables and limits are checked and it is planned — all before
      // anything is cached by variables or any event reaches it. A refusal is an `error` message.
      onSubscribe: (ctx, id, payload) => {
        const connection = connections.get(ctx.extra.socket);
        if (!connection) return [gqlError('连接未初始化 (connection not initialised)', 'UNAUTHENTICATED')];
        const cached = documents.get(payload.query);
        const variables = payload.variables;
        // graphql-ws keeps the payload for the subscription's life: let it hold the shared text
        // and none of the variables (what the plan needs it keeps itself).
        (payload as { query: string }).query = cached.query;
        (payload as { variables?: unknown }).variables = undefined;
        if (!cached.document) return [...cached.errors];
        const req = prepareRequest(o.schema, cached.document, payload.operationName, variables, limits);
        if (Array.isArray(req)) return [...req];
        const r = req as Exclude<typeof req, readonly GraphQLError[]>;
        let plan: SubscriptionPlan;
        try {
          plan = planOf(cached, r.operationName, r.coerced, r.used);
        } catch (e) {
          return [e instanceof GraphQLError ? e : gqlError((e as Error).message, 'BAD_USER_INPUT')];
        }
        const tooComplex = hydrationLimitError(o.schema, cached.document, r, plan.hydrationAliases, limits);
        if (tooComplex) return [tooComplex];
        const contextValue: SubscribeContext = { connection, id, plan, document: cached };
        return { schema: o.schema, document: cached.document, operationName: r.operationName, variableValues: r.coerced, contextValue };
      },
      subscribe: subscribe as never,
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
      let subscribers = 0;
      for (const g of groups.values()) subscribers += g.members.size;
      let unreadBytes = 0;
      for (const c of live) unreadBytes += c.outlet.unacked;
      return { ...counters, followLoads: follows.loads, followEvents: follows.applied, subscribers, groups: groups.size, cacheBytes: { documents: documents.bytes, plans: plans.bytes }, connections: live.size, unreadBytes };
    },
    latency: () => ({ hydrationMs: hydrationTimes.summary(), deliveryMs: deliveryTimes.summary() }),
    sockets: () => wss.clients,
    async close() {
      if (closing) return;
      closing = true;
      o.httpServer.off('upgrade', onUpgrade);
      for (const conn of live) {
        if (conn.expiry) clearTimeout(conn.expiry);
        for (const m of [...conn.members]) m.end();
      }
      // Let graphql-ws send each `complete` before the sockets go.
      for (let i = 0; i < 100 && openOperations > 0; i++) await new Promise((r) => setTimeout(r, 10));
      await disposable.dispose();
      await Promise.all([...feeds.values()].map((f) => f.close()));
      await follows.close();
      feeds.clear();
      groups.clear();
      plans.clear();
    },
  };
}
