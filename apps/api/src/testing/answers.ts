import { type Answer } from './http-harness';

/** A slicing answer: every field, those not given at the value of a slicing that changed nothing and cut over. */
export const sliceReport = (fields: Record<string, unknown> & { version: number }) => ({
  written: [],
  unchanged: [],
  tombstoned: [],
  superseded: [],
  index: { added: [], removed: [] },
  fanout: [],
  fanoutBatches: 0,
  cutover: true,
  slicedVersion: fields.version,
  activeVersion: fields.version,
  ...fields,
});

/** An answer's status and parsed body, to compare both at once. */
export const statusAndBody = (answer: Answer) => ({ status: answer.status, body: answer.body });
