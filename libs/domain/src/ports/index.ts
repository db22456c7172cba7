export * from './records';
export * from './stores';
export * from './sink';
export type { Clock } from '../deploy/clock-port';
export type { OutboxStore } from '../deploy/outbox-port';
