export * from './prng';
export * from './catalog';
