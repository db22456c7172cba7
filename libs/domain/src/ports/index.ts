export * from './records';
export * from './stores';
export * from './sink';
export type { Clock } from './clock';
export type * from './outbox';
export type * from './deploy-jobs';
