import 'reflect-metadata';
import { createLogger, loadEnvOrExit } from '@plaza/shared';
import { gatewayEnvSchema, subgraphUrls, type GatewayEnv } from './env';
import { createGatewayServer } from './server';

export { createGatewayServer, supergraphSubgraphs, type GatewayApp, type GatewayDeps } from './server';
export { createGateway, readSupergraph, SignedDataSource, SUPERGRAPH_PATH, type GatewayContext } from './gateway';
export { gatewayEnvSchema, subgraphUrls, SUBGRAPHS, type GatewayEnv } from './env';

/**
 * What the one-process start (scripts/start.mjs) hands every package's main besides env: the
 * in-process event bus shared with the subgraphs (unset: the package connects to REDIS_URL).
 */
export interface MainDeps {
  pubsub?: unknown;
}

/** Starts the gateway (its own process, or inside the one-process start). */
export async function main(env: GatewayEnv = loadEnvOrExit(gatewayEnvSchema), _deps: MainDeps = {}) {
  const log = createLogger('gateway', env.LOG_LEVEL);
  const app = await createGatewayServer({
    subgraphUrls: subgraphUrls(env),
    jwtSecret: env.JWT_SECRET,
    gatewaySecret: env.GATEWAY_SECRET,
    production: env.NODE_ENV === 'production',
    log,
  });
  const port = await app.listen(env.PORT, env.HOST);
  log.info({ port, subgraphs: app.subgraphs }, `gateway on http://${env.HOST}:${port}/graphql`);
  return {
    port,
    app,
    close: () => app.close(),
  };
}

if (require.main === module) {
  main().then(
    (running) => {
      const stop = () => void running.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
