// Sections 2 and 6 of `npm run bench`: the three subgraphs and our gateway inside this process,
// each subgraph's data source with a StatementCounter of its own, so SQL is counted per subgraph.
// Not @plaza/shared/stack's in-process mode: that starts each service through its `main`, whose
// data source is not ours to hand a counter (the tests count at the driver, all subgraphs as one).
import { require } from './lib/util.mjs';

const shared = require('@plaza/shared');

/** secrets: { JWT_SECRET, GATEWAY_SECRET } */
export async function startCountedStack(databaseUrl, secrets) {
  const log = shared.createLogger('bench', 'silent');
  const counters = {};
  const apps = [];
  const dss = [];
  const urls = {};
  const mk = async (name, factory, extra) => {
    const pkg = require(`@plaza/${name}`);
    counters[name] = new shared.StatementCounter();
    const ds = pkg[factory](databaseUrl, counters[name]);
    await ds.initialize();
    dss.push(ds);
    const app = await pkg.createServer({ dataSource: ds, gatewaySecret: secrets.GATEWAY_SECRET, log, ...extra });
    const port = await app.listen(0, '127.0.0.1');
    apps.push(app);
    urls[name] = `http://127.0.0.1:${port}/graphql`;
  };
  await mk('sessions', 'createSessionsDataSource', {});
  await mk('issues', 'createIssuesDataSource', { sessionsUrl: urls.sessions });
  await mk('volunteering', 'createVolunteeringDataSource', { sessionsUrl: urls.sessions, issuesUrl: urls.issues });
  const { createGatewayServer } = require('@plaza/gateway');
  const gw = await createGatewayServer({
    subgraphUrls: urls,
    jwtSecret: secrets.JWT_SECRET,
    gatewaySecret: secrets.GATEWAY_SECRET,
    log,
    // The 100-row lists with nested lists are over the default cost budget; only SQL is counted here.
    limits: { maxCost: 10_000_000 },
  });
  const port = await gw.listen(0, '127.0.0.1');
  const url = `http://127.0.0.1:${port}/graphql`;
  const reset = () => Object.values(counters).forEach((c) => c.reset());
  const counts = () => Object.fromEntries(Object.entries(counters).map(([k, c]) => [k, c.count]));
  const recent = () => Object.values(counters).flatMap((c) => c.recent.map((q) => q.replace(/\s+/g, ' ')));
  return {
    url,
    reset,
    counts,
    recent,
    async close() {
      await gw.close();
      for (const a of apps.reverse()) await a.close();
      for (const d of dss) await d.destroy();
    },
  };
}
