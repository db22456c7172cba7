export * from './assemble';
export * from './sinks';
