export * from './assemble';
export * from './sinks';
export * from './sink-metrics';
