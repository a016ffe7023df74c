export * from './service.metrics';
export * from './metrics.route';
export * from './request.metrics';
export * from './resource.metrics';
