// Deploy orchestration: axes, plan, job state machine, cutover, outbox task model, retry rules, ports.
export * from './axes';
export * from './deploy-plan';
export * from './state-machine';
export * from './cutover';
export * from './outbox-task';
export * from './outbox-task-lifecycle';
export * from './outcome';
export * from './retry';
