import type { ZodTypeAny } from 'zod';
import { parseEnv, serviceEnvSchema } from '../env';
import type { PubSub } from '../pubsub/pubsub';
import type { RunningSubgraph } from '../subgraph-main';
import { subgraphUrlEnv, type SubgraphPackage } from './subgraphs';

type Main = (env: Record<string, unknown>, deps?: { pubsub?: PubSub }) => Promise<RunningSubgraph>;

/** A subgraph package's exported `main`, or null while the package is not built yet. */
export function loadSubgraphMain(name: SubgraphPackage): Main | null {
  try {
    // By name at run time: the services depend on shared, not the other way round.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`@plaza/${name}`) as { main?: Main };
    return typeof mod.main === 'function' ? mod.main : null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND') return null;
    throw e;
  }
}

/**
 * The service's own env schema (its src/env.ts exports `<name>EnvSchema`), so its defaults
 * apply; else the common subgraph schema, keeping unknown keys.
 */
export function subgraphEnvSchema(name: SubgraphPackage): ZodTypeAny {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require(`@plaza/${name}/dist/env.js`) as Record<string, unknown>;
    const found = Object.entries(mod).find(([k]) => k.endsWith('EnvSchema'))?.[1];
    if (found) return found as ZodTypeAny;
  } catch {
    /* not built with an env.ts: the common schema below */
  }
  return serviceEnvSchema(0).passthrough();
}

export interface InProcessSubgraphsOptions {
  /** Started in this order (see SUBGRAPH_NAMES). */
  names: readonly SubgraphPackage[];
  /** The environment each `main(env)` parses with its own schema (PORT is set per subgraph). */
  env: Record<string, string | undefined>;
  /** Fixed ports by name; default 0 (the OS picks). */
  ports?: Partial<Record<SubgraphPackage, number>>;
  /** One bus shared by the publishers in this process (and the caller's gateway). */
  pubsub?: PubSub;
}

export interface InProcessSubgraphs {
  /** Name -> its GraphQL URL. */
  urls: Partial<Record<SubgraphPackage, string>>;
  /** Closes them in reverse start order. */
  close(): Promise<void>;
}

/**
 * The subgraphs inside this process, each through its exported `main(env, { pubsub })` as a
 * process of its own would run (`npm start` without Redis, the gateway's end-to-end tests).
 * A later subgraph gets the URLs of the earlier ones (SESSIONS_URL, …) unless `env` names them.
 */
export async function startSubgraphsInProcess(o: InProcessSubgraphsOptions): Promise<InProcessSubgraphs> {
  const running: RunningSubgraph[] = [];
  const urls: Partial<Record<SubgraphPackage, string>> = {};
  const close = async () => {
    for (const r of running.splice(0).reverse()) await r.close();
  };
  try {
    for (const name of o.names) {
      const main = loadSubgraphMain(name);
      if (!main) throw new Error(`@plaza/${name} is not built (npm run build)`);
      let env: Record<string, unknown>;
      try {
        env = parseEnv(subgraphEnvSchema(name), { ...subgraphUrlEnv(urls), ...o.env, PORT: String(o.ports?.[name] ?? 0) });
      } catch (e) {
        throw new Error(`${name}: ${(e as Error).message}`, { cause: e });
      }
      const r = await main(env, o.pubsub ? { pubsub: o.pubsub } : {});
      running.push(r);
      urls[name] = `http://127.0.0.1:${r.port}/graphql`;
    }
  } catch (e) {
    await close().catch(() => {});
    throw e;
  }
  return { urls, close };
}
