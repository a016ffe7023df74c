export * from './spans';
export * from './pg.tracing';
export * from './http.tracing';
export * from './tracing.sdk';
export * from './graphql.tracing';
