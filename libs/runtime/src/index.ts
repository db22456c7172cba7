// What processes are made of: the worker runtime, the engines, and the wiring of adapters into use cases.
export * from './worker';
