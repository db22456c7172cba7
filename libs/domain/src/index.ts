export * from './errors';
export { STATUS_BY_CODE } from './error-status';
export * from './canonical/canonical-json';
export * from './paths/path';
export * from './contracts/model';
export { ContractRegistry, type JoinReference } from './contracts/registry';
export { changePatterns } from './contracts/change-patterns';
export { DEFAULT_INDEX_KEY_FORMAT, DEFAULT_MAX_FANOUT_PER_BATCH } from './contracts/compile';
export * from './deploy';
export * from './ports';
export * from './entity-keys/entity-keys';
export * from './json-schema';
export { validateDocument } from './raw/validate-document';
export { rawDocumentHash, TOMBSTONE_RAW_HASH } from './raw/raw-hash';
export { appendRawRecord, buildRawRecord, insertRawdata, type InsertRawInput, type InsertRawResult } from './raw/insert-rawdata';
export { diffDocuments } from './changeset/diff';
export { createChangeSet, changeSetHash, type CreateChangeSetInput, type CreateChangeSetResult, type KnownRaws } from './changeset/create-changeset';
export { impactedSliceTypes, joinImpactedSliceTypes, matchRules, type RuleMatch } from './impact/impact-map';
export { buildSlice, joinTargetKey, type BuiltSlice, type ResolvedJoin } from './slicing/build-slice';
export { compareInputVectors, type VectorOrder } from './slicing/input-vector';
export { decideWrite, type WriteDecision } from './slicing/write-decision';
export { sameSliceSet } from './slicing/slice-sets';
export { compareSemver } from './contracts/semver';
export { camelCaseId, pascalCaseId } from './contracts/id-case';
export { sliceHash, tombstoneSliceHash } from './slicing/slice-hash';
export * from './inverted-index/inverted-index';
export { planFanout, fanoutTargets, fanoutBatches, fanoutIndexKey, type FanoutBatch, type FanoutCause, type FanoutTarget } from './fanout/plan-fanout';
export * from './slicing/slicing-engine';
export { rebuildItems, type RebuildItem, type RebuildStores } from './slicing/rebuild-items';
export { joinView, type ViewResult } from './views/join-view';
export { queryView, readEffectiveSlices, sliceSetAt, type QueryViewInput } from './views/query-view';
export * from './memory/in-memory-stores';
export { sinkDocId, sinkOperation, type ShippedState } from './sinks/sink-operations';
export { MAX_SHIP_READ_ATTEMPTS, readShippedState, shipTargets, sinkRootType } from './sinks/shipped-state';
export { createInMemoryDeploys, type InMemoryDeploys } from './memory/in-memory-deploys';
export { InMemoryOutboxStore } from './memory/in-memory-outbox';
export { InMemoryDeployJobStore } from './memory/in-memory-deploy-jobs';
export { InMemoryTaskWakeups } from './memory/in-memory-wakeups';
export { InMemoryDeployState } from './memory/in-memory-deploy-state';
export * from './deploy-request/deploy-request';
export { requiredViewFields, schemaAt, sinkDocumentSchema, viewDocumentSchema } from './sinks/sink-document-schema';
export {
  admit,
  type Admission,
  type BreakerSettings,
  breakerSettings,
  type BreakerState,
  CLOSED_BREAKER,
  DEFAULT_BREAKER_SETTINGS,
  openPeriodMs,
  recordCall,
} from './sinks/circuit-breaker';
