// What the gateway's transports share: HTTP uses the guard and plugin, the WebSocket subscription
// engine calls checkSource before parsing and measureDocument + checkQueryLimits after.
export { DEFAULT_QUERY_LIMITS, measureOperation, type OperationFigures, type QueryLimits, type QueryMeasure } from './query-cost';
export { measureDocument } from './document.measure';
export { checkQueryLimits, checkSource, countTokens } from './query-limits';
export { LimitsGuard } from './limits.guard';
export { LimitedApolloServer } from './limited-apollo.server';
export { queryLimitsPlugin } from './query-limits.plugin';
