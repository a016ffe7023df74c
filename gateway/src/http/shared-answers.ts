import { HeaderMap, type HTTPGraphQLResponse } from '@apollo/server';

/** A complete answer as it left Apollo, kept only while its request is in flight. */
interface Snapshot {
  status: number | undefined;
  headers: [string, string][];
  body: string;
}

/**
 * Identical reads in flight answered once (`PLAZA_SHARE_INFLIGHT`). A QR code on the plaza
 * screen sends a crowd of phones to the same page at the same moment: the first request runs,
 * every identical one that arrives while it runs gets a copy of its answer — no planning,
 * execution, result shaping or serialisation of its own. The key (see `answerKey`) holds the
 * viewer, so nobody is handed an answer computed for someone else; only queries share, and only
 * while the first is in flight (nothing is kept after: this is not a cache). A first request that
 * ends without an answer (its run throws) or streams it (`@defer`) shares nothing: the others run
 * on their own. An answer carrying GraphQL errors is shared like any other: the identical requests
 * were sent together, and are answered together.
 */
export class InflightAnswers {
  private readonly answering = new Map<string, Promise<Snapshot | null>>();

  constructor(private readonly onShared?: () => void) {}

  async answer(key: string | null, run: () => Promise<HTTPGraphQLResponse>): Promise<HTTPGraphQLResponse> {
    if (key === null) return run();
    const pending = this.answering.get(key);
    if (pending) {
      const first = await pending;
      if (!first) return run();
      this.onShared?.();
      return { status: first.status, headers: new HeaderMap(first.headers), body: { kind: 'complete', string: first.body } };
    }
    const own = run();
    const shared = own.then(
      (r): Snapshot | null => (r.body.kind === 'complete' ? { status: r.status, headers: [...r.headers], body: r.body.string } : null),
      () => null,
    );
    this.answering.set(key, shared);
    void shared.then(() => {
      if (this.answering.get(key) === shared) this.answering.delete(key);
    });
    return own;
  }

  /** Requests being answered now that others may join (0 when idle: nothing is kept). */
  get size(): number {
    return this.answering.size;
  }
}

/**
 * What makes two requests the same request: the viewer they were verified as, the headers Apollo
 * answers by (Accept picks the media type and error statuses, Content-Type the CSRF check) and
 * the operation — text, name, variables and extensions as sent. Null (run alone) for variables
 * nested too deep to serialise: JSON.parse takes any depth, JSON.stringify recurses.
 */
export function answerKey(viewer: unknown, accept: string | undefined, contentType: string | undefined, body: Record<string, unknown>): string | null {
  try {
    return JSON.stringify([viewer ?? null, accept ?? '', contentType ?? '', body.query, body.operationName ?? null, body.variables ?? null, body.extensions ?? null]);
  } catch {
    return null;
  }
}
