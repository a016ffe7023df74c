// EXPERIMENT ONLY: preloaded into the subgraph children when BENCH_SUBGRAPH_PRELOAD points here.
// PLAZA_EXP_NO_CACHE_CONTROL=1 adds ApolloServerPluginCacheControlDisabled to every ApolloServer
// before it starts: subgraphs never send cache hints, yet Apollo's default cache-control plugin
// wraps every field resolver (schemaInstrumentation / willResolveField) on every request.
const { ApolloServer } = require('@apollo/server');
const { ApolloServerPluginCacheControlDisabled } = require('@apollo/server/plugin/disabled');

if (process.env.PLAZA_EXP_NO_CACHE_CONTROL === '1') {
  const start = ApolloServer.prototype.start;
  ApolloServer.prototype.start = function () {
    this.internals.plugins.push(ApolloServerPluginCacheControlDisabled());
    return start.call(this);
  };
}
