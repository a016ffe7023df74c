// Composes the subgraphs' committed SDL (services/*/schema.graphql, emitted by each service's
// dist/emit-schema.js) into gateway/supergraph.graphql, and prints the API clients see (the
// supergraph's API schema plus the gateway's Subscription type) into schema.graphql at the root.
// `--check` changes nothing and exits 1 when composition fails or a committed file is stale, so CI
// catches all three.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createRequire } from 'node:module';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// @apollo/composition and graphql belong to the gateway package; resolve them from there.
const require = createRequire(join(root, 'gateway', 'package.json'));
const { composeServices } = require('@apollo/composition');
const { lexicographicSortSchema, parse, printSchema } = require('graphql');

/** Subgraph name, package folder, local URL; the order and names are the supergraph's. */
export const SUBGRAPHS = [
  { name: 'sessions', dir: 'services/sessions', url: 'http://127.0.0.1:4001/graphql' },
  { name: 'issues', dir: 'services/issues', url: 'http://127.0.0.1:4002/graphql' },
  { name: 'volunteering', dir: 'services/volunteering', url: 'http://127.0.0.1:4003/graphql' },
];
const OUT = join(root, 'gateway', 'supergraph.graphql');
const API_OUT = join(root, 'schema.graphql');
const check = process.argv.includes('--check');

const services = [];
for (const s of SUBGRAPHS) {
  const emitter = join(root, s.dir, 'dist', 'emit-schema.js');
  // Re-emit from the built code first, so a stale committed schema.graphql is caught as well.
  if (existsSync(emitter) && !check) execFileSync(process.execPath, [emitter], { cwd: join(root, s.dir), stdio: 'ignore' });
  const file = join(root, s.dir, 'schema.graphql');
  if (!existsSync(file)) {
    console.warn(`compose: skipping ${s.name}: ${s.dir}/schema.graphql does not exist yet`);
    continue;
  }
  let sdl = readFileSync(file, 'utf8');
  if (check && existsSync(emitter)) {
    const committed = sdl;
    execFileSync(process.execPath, [emitter], { cwd: join(root, s.dir), stdio: 'ignore' });
    sdl = readFileSync(file, 'utf8');
    if (sdl !== committed) {
      writeFileSync(file, committed);
      console.error(`compose --check: ${s.dir}/schema.graphql is stale (the built service emits a different SDL); run npm run compose`);
      process.exit(1);
    }
  }
  services.push({ name: s.name, url: s.url, typeDefs: parse(sdl) });
}
if (!services.length) {
  console.error('compose: no subgraph has a schema.graphql');
  process.exit(1);
}

const result = composeServices(services);
if (result.errors?.length) {
  console.error(`compose: composition failed:\n${result.errors.map((e) => `  - ${e.message}`).join('\n')}`);
  process.exit(1);
}
const supergraph = result.supergraphSdl.endsWith('\n') ? result.supergraphSdl : `${result.supergraphSdl}\n`;
const names = services.map((s) => s.name).join(', ');

const api = apiSchema(supergraph);

if (check) {
  const committed = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
  if (committed !== supergraph) {
    console.error('compose --check: gateway/supergraph.graphql is stale; run npm run compose and commit it');
    process.exit(1);
  }
  if ((existsSync(API_OUT) ? readFileSync(API_OUT, 'utf8') : '') !== api) {
    console.error('compose --check: schema.graphql (the client API) is stale; run npm run compose and commit it');
    process.exit(1);
  }
  console.log(`compose --check: gateway/supergraph.graphql and schema.graphql are up to date (${names})`);
} else {
  writeFileSync(OUT, supergraph);
  writeFileSync(API_OUT, api);
  console.log(`compose: wrote gateway/supergraph.graphql and schema.graphql (${names})`);
}

/** The schema a client of the gateway sees: what the gateway serves over HTTP and WebSocket. */
function apiSchema(supergraphSdl) {
  // The gateway's built code brings in type-graphql through @plaza/shared, which wants the polyfill.
  require('reflect-metadata');
  // The API schema is cut from the supergraph by the same library the gateway uses (a dependency of @apollo/gateway).
  const { Supergraph } = createRequire(require.resolve('@apollo/gateway'))('@apollo/federation-internals');
  const { subscriptionSchema } = require(join(root, 'gateway', 'dist', 'subscriptions', 'subscription.wiring.js'));
  const http = Supergraph.build(supergraphSdl).apiSchema().toGraphQLJSSchema();
  const header =
    "# The client API (HTTP and WebSocket), printed by `npm run compose` from the supergraph and the\n# gateway's subscriptions; `npm run compose:check` fails when it is stale. Do not edit by hand.\n\n";
  return header + printSchema(lexicographicSortSchema(subscriptionSchema(http))) + '\n';
}
