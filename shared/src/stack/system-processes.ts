import { freeLoopbackPort } from '../cluster/free-ports';
import { entryOf, SUBGRAPH_NAMES, subgraphUrlEnv, type SubgraphPackage } from './subgraphs';
import { startProc, waitReady, type Proc } from './processes';

type Part = SubgraphPackage | 'gateway';

export interface SystemProcessesOptions {
  /** The whole environment of every process (nothing is inherited); PORT and the *_URL are added. */
  env: NodeJS.ProcessEnv;
  /** Extra environment for one process only (wins over `env`). */
  envOf?: Partial<Record<Part, NodeJS.ProcessEnv>>;
  /** Node flags for one process, e.g. `{ gateway: ['--expose-gc'] }`. */
  nodeArgsOf?: Partial<Record<Part, string[]>>;
  /** Default every subgraph (SUBGRAPH_NAMES order). */
  names?: readonly SubgraphPackage[];
  /** Start our gateway too. Default true. */
  gateway?: boolean;
}

export interface SystemProcesses {
  /** In start order. */
  procs: Proc[];
  byName: Partial<Record<Part, Proc>>;
  /** http://127.0.0.1:<port> of each process. */
  origins: Partial<Record<Part, string>>;
  /** SESSIONS_URL, ISSUES_URL, VOLUNTEERING_URL as the processes got them (for more gateways). */
  urlEnv: Record<string, string>;
  /** Stops them in reverse order (SIGTERM, SIGKILL after 10 s). */
  stop(): Promise<void>;
}

/**
 * The system as operators run it: each subgraph and the gateway a process of its own (their
 * built `dist/index.js`) on free ports, each started once the one before answers /ready.
 */
export async function startSystemProcesses(o: SystemProcessesOptions): Promise<SystemProcesses> {
  const names = o.names ?? SUBGRAPH_NAMES;
  const parts: Part[] = [...names, ...(o.gateway === false ? [] : ['gateway' as const])];
  const ports = {} as Record<Part, number>;
  for (const p of parts) ports[p] = await freeLoopbackPort();
  const origins: Partial<Record<Part, string>> = {};
  for (const p of parts) origins[p] = `http://127.0.0.1:${ports[p]}`;
  const urlEnv = subgraphUrlEnv(Object.fromEntries(names.map((n) => [n, `${origins[n]}/graphql`])));
  const procs: Proc[] = [];
  const byName: Partial<Record<Part, Proc>> = {};
  const stop = async () => {
    for (const p of procs.slice().reverse()) await p.stop();
  };
  try {
    for (const part of parts) {
      const p = startProc(part, entryOf(part), { ...o.env, ...urlEnv, ...o.envOf?.[part], PORT: String(ports[part]) }, { nodeArgs: o.nodeArgsOf?.[part] });
      procs.push(p);
      byName[part] = p;
      await waitReady(`${origins[part]}/ready`, p);
    }
  } catch (e) {
    await stop();
    throw e;
  }
  return { procs, byName, origins, urlEnv, stop };
}
