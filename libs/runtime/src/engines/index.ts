export * from './open-engines';
