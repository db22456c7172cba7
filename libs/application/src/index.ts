export { createIvmServices, type IvmServices } from './services';
export { type RawView } from './raw-view';
export { type InsertRawCommand, type WriteRawResult } from './insert-raw';
export { type DeleteRawCommand } from './delete-raw';
export { type ChangeSetView, type CreateChangeSetCommand } from './create-changeset';
export { type SliceCommand, type SliceReport } from './slice';
export { type ViewReport } from './query-view';
export { type EffectiveSlice, type EffectiveSlicesReport } from './effective-slices';
export * from './deploy';
