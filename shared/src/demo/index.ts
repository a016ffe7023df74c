export * from './world';
export { Random, stableId } from './random';
