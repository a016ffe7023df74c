/**
 * The gateway → subgraph multiplexed call: subgraph reads of *different* client requests that the
 * gateway issues in the same turn of its event loop travel in one HTTP request, each part with its
 * own signed identity headers, so the subgraph runs each part exactly as it would run that part
 * sent alone (its own identity check, its own context and DataLoaders: no viewer ever shares
 * another's context). What it saves is the round trip: one HTTP request, one socket write and one
 * parse on each side instead of one per client request.
 *
 * Request: POST on the GraphQL path with `x-plaza-multiplex: 1` and a JSON array of parts
 * `{ headers: { name: value }, body: <GraphQL request or batch> }`.
 *
 * Response: 200 `application/vnd.plaza.multiplex`, streamed: one frame per part in the order the
 * parts finish (a slow part holds back no other), each a JSON head line
 * `{"i":part,"s":status,"t":content-type,"c":cache-control,"n":body bytes}\n` and then the body's
 * bytes — what that part would have been answered alone.
 */

export const MULTIPLEX_HEADER = 'x-plaza-multiplex';
export const MULTIPLEX_CONTENT_TYPE = 'application/vnd.plaza.multiplex';
/** Parts one multiplexed request may carry (a subgraph refuses more with 400). */
export const MAX_MULTIPLEX_PARTS = 64;

export interface MultiplexPart {
  headers: Record<string, string>;
  /** One GraphQL request (`{query, variables, operationName}`) or a batch of them. */
  body: unknown;
}

export interface MultiplexFrame {
  /** Index of the part this answers. */
  part: number;
  status: number;
  contentType: string;
  cacheControl: string | undefined;
  body: string;
}

/** A frame's bytes: head line, then body. */
export function encodeFrame(f: MultiplexFrame): Buffer {
  const body = Buffer.from(f.body, 'utf8');
  const head = JSON.stringify({ i: f.part, s: f.status, t: f.contentType, c: f.cacheControl, n: body.length });
  return Buffer.concat([Buffer.from(`${head}\n`, 'utf8'), body]);
}

/** The parts of a multiplexed request body, or null if it is not one (too many parts, wrong shapes). */
export function readParts(body: unknown): MultiplexPart[] | null {
  if (!Array.isArray(body) || body.length === 0 || body.length > MAX_MULTIPLEX_PARTS) return null;
  for (const p of body as unknown[]) {
    if (typeof p !== 'object' || p === null || Array.isArray(p)) return null;
    const { headers, body: inner } = p as Record<string, unknown>;
    if (typeof headers !== 'object' || headers === null || Array.isArray(headers)) return null;
    if (!Object.values(headers).every((v) => typeof v === 'string')) return null;
    if (typeof inner !== 'object' || inner === null) return null;
  }
  return body as MultiplexPart[];
}

export class MultiplexFormatError extends Error {}

/**
 * Reads frames from a response's chunks as they arrive. `push` throws MultiplexFormatError on a
 * malformed head; `end` throws if the stream stopped inside a frame.
 */
export function createFrameDecoder(onFrame: (f: MultiplexFrame) => void): { push(chunk: Buffer): void; end(): void } {
  // Chunks wait in a list until a head's newline or a whole body is there, then are joined once:
  // joining on every chunk would copy a large body once per chunk.
  let waiting: Buffer[] = [];
  let waitingBytes = 0;
  let head: { i: number; s: number; t: string; c?: string; n: number } | null = null;
  return {
    push(chunk) {
      waiting.push(chunk);
      waitingBytes += chunk.length;
      // Earlier chunks held no newline (or the head would have been read), so only this one is searched.
      if (!head && chunk.indexOf(10) < 0) {
        if (waitingBytes > 64 * 1024) throw new MultiplexFormatError('frame head too long');
        return;
      }
      if (head && waitingBytes < head.n) return;
      let buf = waiting.length === 1 ? waiting[0]! : Buffer.concat(waiting, waitingBytes);
      for (;;) {
        if (!head) {
          const nl = buf.indexOf(10);
          if (nl < 0) {
            if (buf.length > 64 * 1024) throw new MultiplexFormatError('frame head too long');
            break;
          }
          let parsed: unknown;
          try {
            parsed = JSON.parse(buf.subarray(0, nl).toString('utf8'));
          } catch {
            throw new MultiplexFormatError('frame head is not JSON');
          }
          const h = parsed as Record<string, unknown>;
          if (!Number.isInteger(h.i) || !Number.isInteger(h.s) || typeof h.t !== 'string' || !Number.isInteger(h.n) || (h.n as number) < 0)
            throw new MultiplexFormatError('frame head has the wrong shape');
          head = { i: h.i as number, s: h.s as number, t: h.t, n: h.n as number, ...(typeof h.c === 'string' ? { c: h.c } : {}) };
          buf = buf.subarray(nl + 1);
        }
        if (buf.length < head.n) break;
        const body = buf.subarray(0, head.n).toString('utf8');
        buf = buf.subarray(head.n);
        const h = head;
        head = null;
        onFrame({ part: h.i, status: h.s, contentType: h.t, cacheControl: h.c, body });
      }
      waiting = buf.length ? [buf] : [];
      waitingBytes = buf.length;
    },
    end() {
      if (head || waitingBytes) throw new MultiplexFormatError('response ended inside a frame');
    },
  };
}
