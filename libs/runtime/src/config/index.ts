export * from './env';
export * from './engine-config';
export * from './task-config';
export * from './process-start';
export * from './sink-config';
