// Test-only helpers (`@ivm/sdk/testing`): never imported by production code, never published.
export { RecordingSink } from './recording-sink';
export { sampleProduct } from './sample-product';
