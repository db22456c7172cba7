// The SDK core (transports, errors, the deploy plan), and the client generated from the sample catalog (contracts/).
export * from './core';
export * from './generated/catalog';
