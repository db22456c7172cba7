export * from './worker-harness';
