import { signIdentity } from './identity';
import { traceHeaders } from './tracing';
import type { Viewer } from './viewer';

/**
 * Reads entities another subgraph owns, through that subgraph's federation `_entities` field,
 * signed like a gateway call. A service never reads another service's tables: this is how the
 * issues subgraph learns a community's subdistrict or that a session exists.
 */
export class SubgraphClient {
  private readonly cache = new Map<string, { at: number; value: unknown }>();

  constructor(
    private readonly url: string,
    private readonly gatewaySecret: string,
    private readonly service: string,
    /** How long an answer is reused. Default 60 s; the fields read this way do not change. */
    private readonly ttlMs = 60_000,
  ) {}

  /**
   * `selection` is applied to each entity, e.g. `id subdistrict`. Unknown ids are absent from
   * the map. Throws when the subgraph cannot be reached, so callers fail instead of guessing.
   */
  async entities<T>(typename: string, ids: string[], selection: string): Promise<Map<string, T>> {
    const out = new Map<string, T>();
    const now = Date.now();
    const missing: string[] = [];
    for (const id of new Set(ids)) {
      const hit = this.cache.get(`${typename}:${selection}:${id}`);
      if (hit && now - hit.at < this.ttlMs) {
        out.set(id, hit.value as T);
      } else missing.push(id);
    }
    if (!missing.length) return out;
    const as: Viewer = { id: `service:${this.service}`, name: this.service, roles: ['ADMIN'], communityIds: [] };
    const res = await fetch(this.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signIdentity(as, this.gatewaySecret), ...traceHeaders() },
      body: JSON.stringify({
        query: `query($r: [_Any!]!) { _entities(representations: $r) { ... on ${typename} { ${selection} } } }`,
        variables: { r: missing.map((id) => ({ __typename: typename, id })) },
      }),
      signal: AbortSignal.timeout(5000),
    });
    const body = (await res.json()) as { data?: { _entities: (T | null)[] }; errors?: { message: string }[] };
    if (!body.data) throw new Error(`${this.url} _entities(${typename}) failed: ${JSON.stringify(body.errors)}`);
    body.data._entities.forEach((entity, i) => {
      const id = missing[i]!;
      // Misses are not cached: an entity created a moment later must be found at once.
      if (entity) {
        if (this.ttlMs > 0) this.cache.set(`${typename}:${selection}:${id}`, { at: now, value: entity });
        out.set(id, entity);
      }
    });
    return out;
  }

  async entity<T>(typename: string, id: string, selection: string): Promise<T | null> {
    return (await this.entities<T>(typename, [id], selection)).get(id) ?? null;
  }
}
