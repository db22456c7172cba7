// The worker runtime, usable in-process: startWorker and what it is configured with.
export * from './observe';
export * from './settings';
export * from './start-worker';
export { SettleFailedError } from './settler';
export * from './prom-metrics';
