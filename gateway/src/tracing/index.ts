export { traceSubgraphFetcher } from './subgraph-fetch.tracing';
export { traceDelivery, traceEventReceived, traceHydration } from './subscription.tracing';
