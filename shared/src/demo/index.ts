export * from './world';
export { Random, stableId } from './random';
export { buildTonight, type DemoTonight, type TonightSession } from './tonight';
