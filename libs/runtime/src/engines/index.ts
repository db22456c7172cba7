export * from './open-engines';
export * from './bootstrap-engines';
