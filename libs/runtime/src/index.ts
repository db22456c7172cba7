// What processes are made of: configuration, engines, the wiring of adapters into use cases, and the worker runtime.
export * from './config';
export * from './engines';
export * from './wiring';
export * from './worker';
