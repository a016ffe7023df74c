import { join } from 'node:path';

/** Every subgraph package, in start order: issues checks ids against sessions, volunteering against both. */
export const SUBGRAPH_NAMES = ['sessions', 'issues', 'volunteering'] as const;
export type SubgraphPackage = (typeof SUBGRAPH_NAMES)[number];

/** The repository root (this file is shared/{src,dist}/stack/). */
export const REPO_ROOT = join(__dirname, '..', '..', '..');

/** The built entry point a separate process runs: `services/<name>/dist/index.js`, `gateway/dist/index.js`. */
export function entryOf(name: SubgraphPackage | 'gateway'): string {
  return name === 'gateway' ? join(REPO_ROOT, 'gateway', 'dist', 'index.js') : join(REPO_ROOT, 'services', name, 'dist', 'index.js');
}

/** SESSIONS_URL, ISSUES_URL, VOLUNTEERING_URL for the subgraphs known so far. */
export function subgraphUrlEnv(urls: Partial<Record<SubgraphPackage, string>>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, url] of Object.entries(urls)) if (url) out[`${name.toUpperCase()}_URL`] = url;
  return out;
}
