export * from './sample-contracts';
export * from './property-params';
export * from './catalog-world';
export * from './store-contract';
export * from './scheduled-stores';
export * from './manual-clock';
export * from './outbox-contract';
