import DataLoader from 'dataloader';
import { isUuid } from './db';

/**
 * One row per key, answered in key order (null where none). Keys that are not UUIDs never reach
 * SQL. `fetch` runs one statement for the whole batch.
 */
export function byIdLoader<T>(fetch: (ids: string[]) => Promise<T[]>, keyOf: (row: T) => string = (r) => (r as { id: string }).id) {
  return new DataLoader<string, T | null>(async (keys) => {
    const valid = [...new Set(keys.filter(isUuid))];
    const rows = valid.length ? await fetch(valid) : [];
    const byKey = new Map(rows.map((r) => [keyOf(r), r]));
    return keys.map((k) => byKey.get(k) ?? null);
  });
}

/** All rows per key (e.g. grids per community), in key order; one statement per batch. */
export function groupLoader<T>(fetch: (keys: string[]) => Promise<T[]>, keyOf: (row: T) => string) {
  return new DataLoader<string, T[]>(async (keys) => {
    const valid = [...new Set(keys.filter(isUuid))];
    const rows = valid.length ? await fetch(valid) : [];
    const groups = new Map<string, T[]>();
    for (const r of rows) {
      const k = keyOf(r);
      const g = groups.get(k);
      if (g) g.push(r);
      else groups.set(k, [r]);
    }
    return keys.map((k) => groups.get(k) ?? []);
  });
}

/**
 * Batches loads that share arguments but not the parent, e.g. `Community.sessions(first: 5)` for
 * every community of a list: keys are `[parentId, argsKey]`, grouped by args, one call per group.
 */
export function batchByArgs<A, R>(load: (parentIds: string[], args: A) => Promise<Map<string, R>>, empty: () => R) {
  return new DataLoader<{ parentId: string; args: A }, R, string>(
    async (keys) => {
      const groups = new Map<string, { args: A; ids: string[] }>();
      for (const k of keys) {
        const sig = JSON.stringify(k.args);
        const g = groups.get(sig) ?? { args: k.args, ids: [] };
        if (isUuid(k.parentId)) g.ids.push(k.parentId);
        groups.set(sig, g);
      }
      const results = new Map<string, Map<string, R>>();
      await Promise.all([...groups].map(async ([sig, g]) => results.set(sig, g.ids.length ? await load([...new Set(g.ids)], g.args) : new Map())));
      return keys.map((k) => results.get(JSON.stringify(k.args))?.get(k.parentId) ?? empty());
    },
    { cacheKeyFn: (k) => `${k.parentId}|${JSON.stringify(k.args)}` },
  );
}

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/**
 * A request's loader set from groups of loaders (each `xxxLoaders(...)` function), every group built
 * on the first use of one of its members: most calls touch one or two groups, and building every
 * DataLoader of every group was paid on every call. Member names are learnt from the first set
 * built (which is used as it is); the accessors live on one prototype, so a set costs one object.
 */
// Groups differ in arity (never[] accepts any parameter list); each service's createLoaders fixes the arguments.
export function lazyLoaderSet<G extends readonly ((...args: never[]) => object)[]>(...groups: G): (...args: Parameters<G[number]>) => UnionToIntersection<ReturnType<G[number]>> {
  type A = Parameters<G[number]>;
  type State = { args: A; built: (object | undefined)[] };
  let proto: object | undefined;
  const make = (args: A, built: (object | undefined)[]) => {
    const set = Object.create(proto!) as State;
    set.args = args;
    set.built = built;
    return set as unknown as UnionToIntersection<ReturnType<G[number]>>;
  };
  return (...args: A) => {
    if (proto) return make(args, new Array(groups.length));
    const built = groups.map((g) => g(...args));
    const accessors: PropertyDescriptorMap = {};
    built.forEach((group, i) => {
      for (const key of Object.keys(group)) {
        if (key in accessors) throw new Error(`lazyLoaderSet: two groups define the loader "${key}"`);
        accessors[key] = {
          enumerable: true,
          get(this: State) {
            return ((this.built[i] ??= groups[i]!(...this.args)) as Record<string, unknown>)[key];
          },
        };
      }
    });
    proto = Object.defineProperties({}, accessors);
    return make(args, built);
  };
}
