import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createFrameDecoder, MAX_MULTIPLEX_PARTS, MULTIPLEX_CONTENT_TYPE, MULTIPLEX_HEADER, type MultiplexFrame } from '@plaza/shared';

/** One subgraph call as the data source hands it over: the JSON body is built once, by the caller. */
export interface SubgraphCall {
  url: URL;
  headers: Record<string, string>;
  /** `{"query":…,"variables":…,"operationName":…}`, as the subgraph reads it. */
  body: string;
  /**
   * Set for a read (never for a mutation): identical reads in flight with the same `shareKey`
   * share one answer, and reads with the same `batchKey` sent in the same turn of the event loop
   * travel in one HTTP request.
   */
  read?: { shareKey: string; batchKey: string };
}

export interface SubgraphReply {
  status: number;
  /** The subgraph's cache-control header (a batch's is its HTTP response's). */
  cacheControl: string | undefined;
  /** The parsed GraphQL response; the caller's own (the executor mutates what it receives). */
  result: Record<string, unknown>;
}

export interface SubgraphFetcher {
  send(call: SubgraphCall): Promise<SubgraphReply>;
  /**
   * Calls made, HTTP requests sent, calls that joined an identical read in flight, calls that
   * travelled in a batch, calls that travelled in a multiplexed request with other client
   * requests' calls, reads sent again after their reused socket was reset, multiplexed requests a
   * subgraph did not serve (their calls were sent again as before).
   */
  readonly stats: { calls: number; sent: number; shared: number; batched: number; multiplexed: number; retried: number; unmultiplexed: number };
  close(): void;
}

export interface SubgraphFetcherOptions {
  /** Identical reads in flight share one answer. Default true. */
  share?: boolean;
  /** Reads of one request to one subgraph sent in the same turn travel as one HTTP request. Default true. */
  batch?: boolean;
  /**
   * Reads of different client requests to one subgraph sent in the same turn travel as one
   * multiplexed HTTP request (@plaza/shared multiplex.ts), each with its own identity. Default
   * true; only with `batch`.
   */
  multiplex?: boolean;
  /** Told every HTTP request's outcome (status, or "network") and time, by subgraph URL. */
  onHttp?: (url: URL, outcome: string, seconds: number) => void;
}

/** Idle keep-alive sockets are closed after this long (subgraphs keep theirs 65 s). */
export const IDLE_SOCKET_MS = 30_000;

/** A group whose bodies pass this goes alone; a multiplexed request holds up to 4 times it (the subgraphs take 2 MiB). */
const MULTIPLEX_PART_BYTES = 128 * 1024;

/** An answer the subgraph gave that is not GraphQL JSON with a 2xx status. */
export class SubgraphHttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: string,
  ) {
    super(`${status}: ${body.slice(0, 200)}`);
  }
}

interface Raw {
  status: number;
  contentType: string;
  cacheControl: string | undefined;
  text: string;
}

interface Waiter {
  resolve: (r: SubgraphReply) => void;
  reject: (e: unknown) => void;
}

/** One distinct call on its way; several waiters when identical reads joined it. */
interface Flight {
  call: SubgraphCall;
  waiters: Waiter[];
}

const isJson = (contentType: string) => contentType.startsWith('application/json') || contentType.startsWith('application/graphql-response+json');
const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The gateway's subgraph client, on node:http with keep-alive sockets (no WHATWG Request,
 * Headers or stream per call: what the fetch API costs per call was a large part of the
 * gateway's CPU per request).
 *
 * Identical reads in flight — same subgraph, same viewer, same body — share one answer; each
 * waiter gets its own copy, since the executor mutates what it receives. This is not a cache:
 * nothing outlives the call.
 *
 * Reads of one client request to one subgraph issued in the same turn of the event loop (the
 * parallel branches of a query plan, e.g. `Issue.community` and `Issue.session`) go as one
 * batched HTTP request (a JSON array; the subgraph runs them with one context, one identity check
 * and one set of DataLoaders). Should the batch's answer not be a 2xx JSON array of one result
 * per operation — a status Apollo sets for the whole batch when one operation fails before
 * executing — each operation is sent again alone, so every call gets exactly the answer or error
 * it would have got alone.
 *
 * Groups of *different* client requests to one subgraph in the same turn (under load, many plans
 * reach their next fetch in one turn) go as one multiplexed HTTP request (@plaza/shared
 * multiplex.ts): each group keeps its own signed identity and is run by the subgraph with its own
 * context, and its answer is streamed back as its own frame as soon as it is ready. Fewer round
 * trips, sockets written and requests parsed on both sides; no viewer's call ever runs in another's
 * context. Mutations are never shared, batched nor multiplexed.
 */
export function createSubgraphFetcher(options: SubgraphFetcherOptions = {}): SubgraphFetcher {
  const share = options.share ?? true;
  const batching = options.batch ?? true;
  const multiplexing = batching && (options.multiplex ?? true);
  const stats = { calls: 0, sent: 0, shared: 0, batched: 0, multiplexed: 0, retried: 0, unmultiplexed: 0 };
  // Every socket a burst opened stays open for the next (Node keeps 256 idle by default and
  // closes the rest, so each burst of 1,000 concurrent votes opened ~750 new connections at once;
  // the subgraph closes idle ones after its keep-alive timeout).
  // `timeout`: an idle socket is closed by us first. Without it Node's agent ignores the server's
  // `Keep-Alive: timeout=…` hint (it only ever shortens a timeout it has), so it kept every socket
  // forever and reused one just as the subgraph closed it: ECONNRESET, a DOWNSTREAM_SERVICE_ERROR
  // for a whole burst of sockets opened together. With it, the agent closes idle sockets at
  // IDLE_SOCKET_MS or a second before the server's announced keep-alive timeout, if sooner.
  const agentOptions = { keepAlive: true, maxFreeSockets: 4096, timeout: IDLE_SOCKET_MS };
  const httpAgent = new HttpAgent(agentOptions);
  const httpsAgent = new HttpsAgent(agentOptions);
  const inflight = new Map<string, Flight>();

  /**
   * `retry`: a read whose reused keep-alive socket was reset before any answer is sent once more
   * on a fresh socket (the server closed the socket as we wrote to it; sending a read twice is
   * harmless). A mutation never is: it may have run.
   */
  const post = (url: URL, headers: Record<string, string>, body: string, retry: boolean): Promise<Raw> =>
    new Promise((resolve, reject) => {
      stats.sent++;
      const started = process.hrtime.bigint();
      const done = (outcome: string) => options.onHttp?.(url, outcome, Number(process.hrtime.bigint() - started) / 1e9);
      const https = url.protocol === 'https:';
      const req = (https ? httpsRequest : httpRequest)(
        url,
        { method: 'POST', agent: https ? httpsAgent : httpAgent, headers: { ...headers, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
        (res: IncomingMessage) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('error', (e) => (done('network'), reject(e)));
          res.on('end', () => {
            const status = res.statusCode ?? 0;
            done(String(status));
            resolve({ status, contentType: res.headers['content-type'] ?? '', cacheControl: res.headers['cache-control'], text: Buffer.concat(chunks).toString('utf8') });
          });
        },
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        done('network');
        if (retry && req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
          stats.retried++;
          resolve(post(url, headers, body, false));
        } else reject(e);
      });
      req.end(body);
    });

  /** The first waiter gets the parsed value itself, the others copies made before anyone runs. */
  const settle = (flight: Flight, raw: Raw, result: Record<string, unknown>) => {
    if (flight.call.read) inflight.delete(flight.call.read.shareKey);
    flight.waiters.forEach((w, i) => w.resolve({ status: raw.status, cacheControl: raw.cacheControl, result: i === 0 ? result : structuredClone(result) }));
  };
  const fail = (flight: Flight, e: unknown) => {
    if (flight.call.read) inflight.delete(flight.call.read.shareKey);
    for (const w of flight.waiters) w.reject(e);
  };

  /** What a call sent alone gets from its answer: its result, or an error. */
  const finishAlone = (flight: Flight, raw: Raw) => {
    try {
      if (raw.status < 200 || raw.status > 299 || !isJson(raw.contentType)) throw new SubgraphHttpError(raw.status, raw.text);
      const result = JSON.parse(raw.text) as unknown;
      if (!isObject(result)) throw new SubgraphHttpError(raw.status, raw.text);
      settle(flight, raw, result);
    } catch (e) {
      fail(flight, e);
    }
  };

  /**
   * A batch's answer: one result per operation — or, should it not be a 2xx JSON array of them (a
   * status Apollo sets for the whole batch when one operation fails before executing), each
   * operation sent again alone. Reads only: sending them again is safe, and gives each its own
   * status and error.
   */
  const finishBatch = (flights: Flight[], raw: Raw) => {
    let results: unknown;
    try {
      results = raw.status >= 200 && raw.status <= 299 && isJson(raw.contentType) ? JSON.parse(raw.text) : null;
    } catch {
      results = null;
    }
    if (Array.isArray(results) && results.length === flights.length && results.every(isObject)) {
      stats.batched += flights.length;
      flights.forEach((f, i) => settle(f, raw, results[i] as Record<string, unknown>));
      return;
    }
    for (const f of flights) void sendAlone(f);
  };

  const sendAlone = async (flight: Flight) => {
    let raw: Raw;
    try {
      raw = await post(flight.call.url, flight.call.headers, flight.call.body, !!flight.call.read);
    } catch (e) {
      return fail(flight, e);
    }
    finishAlone(flight, raw);
  };

  const batchBody = (flights: Flight[]) => `[${flights.map((f) => f.call.body).join(',')}]`;

  const sendBatch = async (flights: Flight[]) => {
    const { url, headers } = flights[0]!.call;
    let raw: Raw;
    try {
      raw = await post(url, headers, batchBody(flights), true);
    } catch (e) {
      for (const f of flights) fail(f, e);
      return;
    }
    finishBatch(flights, raw);
  };

  /** One client request's reads to one subgraph in this turn: alone, or as one batch. */
  const sendGroup = (flights: Flight[]) => void (flights.length === 1 ? sendAlone(flights[0]!) : sendBatch(flights));
  const groupBytes = (flights: Flight[]) => flights.reduce((n, f) => n + f.call.body.length, 0);

  /**
   * Several client requests' groups in one HTTP request; each group's answer arrives as its own
   * frame, as soon as the subgraph has it, and is read exactly as if the group had gone alone. A
   * subgraph that does not answer with frames (one without multiplexing) gets the groups again
   * one by one. A failure of the connection fails the groups not yet answered, as it would have
   * failed their own requests; a reused socket reset before any answer is retried once.
   */
  const sendMultiplexed = (groups: Flight[][], retry = true): void => {
    const url = groups[0]![0]!.call.url;
    const parts = groups.map((g) => `{"headers":${JSON.stringify(g[0]!.call.headers)},"body":${g.length === 1 ? g[0]!.call.body : batchBody(g)}}`);
    const body = `[${parts.join(',')}]`;
    const answered = new Array<boolean>(groups.length).fill(false);
    const failRest = (e: unknown) => groups.forEach((g, i) => answered[i] || ((answered[i] = true), g.forEach((f) => fail(f, e))));
    stats.sent++;
    const started = process.hrtime.bigint();
    let reported = false;
    const done = (outcome: string) => {
      if (!reported) options.onHttp?.(url, outcome, Number(process.hrtime.bigint() - started) / 1e9);
      reported = true;
    };
    const https = url.protocol === 'https:';
    const req = (https ? httpsRequest : httpRequest)(
      url,
      {
        method: 'POST',
        agent: https ? httpsAgent : httpAgent,
        headers: { 'content-type': 'application/json', [MULTIPLEX_HEADER]: '1', 'content-length': Buffer.byteLength(body) },
      },
      (res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        if (status !== 200 || !(res.headers['content-type'] ?? '').startsWith(MULTIPLEX_CONTENT_TYPE)) {
          // Not served multiplexed (an older subgraph mid-rollout): nothing ran, send as before.
          res.resume();
          res.on('end', () => {
            done(String(status));
            stats.unmultiplexed++;
            groups.forEach(sendGroup);
          });
          res.on('error', (e) => (done('network'), failRest(e)));
          return;
        }
        const decoder = createFrameDecoder((frame: MultiplexFrame) => {
          const group = groups[frame.part];
          if (!group || answered[frame.part]) throw new SubgraphHttpError(status, `multiplexed answer for part ${frame.part} unexpected`);
          answered[frame.part] = true;
          stats.multiplexed += group.length;
          const raw: Raw = { status: frame.status, contentType: frame.contentType, cacheControl: frame.cacheControl, text: frame.body };
          if (group.length === 1) finishAlone(group[0]!, raw);
          else finishBatch(group, raw);
        });
        res.on('data', (c: Buffer) => {
          try {
            decoder.push(c);
          } catch (e) {
            res.destroy();
            failRest(e);
          }
        });
        res.on('error', (e) => (done('network'), failRest(e)));
        res.on('end', () => {
          done(String(status));
          try {
            decoder.end();
            if (answered.some((a) => !a)) throw new SubgraphHttpError(status, 'multiplexed answer missing parts');
          } catch (e) {
            failRest(e);
          }
        });
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) => {
      done('network');
      // Only while no group is settled (answered, or failed by a malformed answer).
      if (retry && !answered.some(Boolean) && req.reusedSocket && (e.code === 'ECONNRESET' || e.code === 'EPIPE')) {
        stats.retried++;
        sendMultiplexed(groups, false);
      } else failRest(e);
    });
    req.end(body);
  };

  /**
   * The groups of one turn to one subgraph: a lone group as before; several (different client
   * requests) multiplexed, at most MAX_MULTIPLEX_PARTS and 4 × MULTIPLEX_PART_BYTES per request.
   */
  const flush = (groups: Flight[][]) => {
    if (!multiplexing || groups.length === 1) return groups.forEach(sendGroup);
    let pack: Flight[][] = [];
    let bytes = 0;
    const ship = () => {
      if (pack.length === 1) sendGroup(pack[0]!);
      else if (pack.length) sendMultiplexed(pack);
      pack = [];
      bytes = 0;
    };
    for (const g of groups) {
      const n = groupBytes(g);
      if (n > MULTIPLEX_PART_BYTES) {
        sendGroup(g);
        continue;
      }
      if (pack.length >= MAX_MULTIPLEX_PARTS || bytes + n > 4 * MULTIPLEX_PART_BYTES) ship();
      pack.push(g);
      bytes += n;
    }
    ship();
  };

  /** Reads waiting for the end of this turn, by subgraph URL, then by batch key (one client request). */
  const turns = new Map<string, Map<string, Flight[]>>();
  const dispatch = (flight: Flight) => {
    const batchKey = batching ? flight.call.read?.batchKey : undefined;
    if (batchKey === undefined) return void sendAlone(flight);
    const href = flight.call.url.href;
    let turn = turns.get(href);
    if (!turn) {
      const mine = (turn = new Map());
      turns.set(href, mine);
      // setImmediate, not a microtask: the plan's parallel branches (and other client requests
      // whose subgraph answers arrived in this turn) reach their fetches after a few awaits each,
      // all within the current turn.
      setImmediate(() => {
        turns.delete(href);
        flush([...mine.values()]);
      });
    }
    const group = turn.get(batchKey);
    if (group) group.push(flight);
    else turn.set(batchKey, [flight]);
  };

  const send = (call: SubgraphCall): Promise<SubgraphReply> =>
    new Promise((resolve, reject) => {
      stats.calls++;
      const waiter = { resolve, reject };
      if (share && call.read) {
        const existing = inflight.get(call.read.shareKey);
        if (existing) {
          stats.shared++;
          existing.waiters.push(waiter);
          return;
        }
        const flight = { call, waiters: [waiter] };
        inflight.set(call.read.shareKey, flight);
        return dispatch(flight);
      }
      dispatch({ call, waiters: [waiter] });
    });

  return {
    send,
    stats,
    close() {
      httpAgent.destroy();
      httpsAgent.destroy();
    },
  };
}
