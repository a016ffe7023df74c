export * from './free-ports';
export * from './redis-cluster.launcher';
export * from './pg-replica.launcher';
export * from './topology';
