export * from './records';
export * from './stores';
