import { IllegalStateTransitionError } from '../errors';
import type { DeployAxes } from './axes';

export const DEPLOY_STATES = ['QUEUED', 'RUNNING', 'READY', 'SINKING', 'DONE', 'FAILED'] as const;
export type DeployState = (typeof DEPLOY_STATES)[number];

type Edge = readonly [from: DeployState, to: DeployState];

const COMMON_EDGES: readonly Edge[] = [
  ['QUEUED', 'RUNNING'],
  ['RUNNING', 'READY'],
  ['RUNNING', 'FAILED'],
];
const SHIPPING_EDGES: readonly Edge[] = [
  ['READY', 'SINKING'],
  ['SINKING', 'DONE'],
  ['SINKING', 'FAILED'],
];
// With nothing to ship there is no SINKING step; READY→DONE closes the job so every deploy
// ends in DONE or FAILED, and a SINKING state that ships nothing would be a lie.
const NOTHING_TO_SHIP_EDGES: readonly Edge[] = [['READY', 'DONE']];

/**
 * The allowed transitions for a deploy with these axes. With a ship:
 * QUEUED→RUNNING→READY→SINKING→DONE, RUNNING→FAILED, SINKING→FAILED. With `ship: null`:
 * QUEUED→RUNNING→READY→DONE and RUNNING→FAILED (SINKING is unreachable).
 */
export function allowedDeployTransitions(axes: DeployAxes): readonly Edge[] {
  return [...COMMON_EDGES, ...(axes.ship === null ? NOTHING_TO_SHIP_EDGES : SHIPPING_EDGES)];
}

export function canTransition(axes: DeployAxes, from: DeployState, to: DeployState): boolean {
  return allowedDeployTransitions(axes).some(([f, t]) => f === from && t === to);
}

export function isTerminalDeployState(state: DeployState): boolean {
  return state === 'DONE' || state === 'FAILED';
}

/** Why a deploy failed, as the status endpoint reports it. */
export interface DeployJobError {
  readonly code: string;
  readonly message: string;
}

export interface DeployTransition {
  readonly state: DeployState;
  /** Epoch milliseconds, from the caller's Clock; the API renders it as ISO-8601. */
  readonly at: number;
}

/** A deploy job as persisted and reported: an immutable value, changed only through `transition`. */
export interface DeployJob {
  readonly jobId: string;
  readonly axes: DeployAxes;
  readonly state: DeployState;
  /** Every state the job has entered, oldest first; the first is always QUEUED. */
  readonly transitions: readonly DeployTransition[];
  readonly error?: DeployJobError;
}

/** Every job starts QUEUED; sync compiles move on at once, async ones when a worker claims the task. */
export function newDeployJob(jobId: string, axes: DeployAxes, at: number): DeployJob {
  return { jobId, axes, state: 'QUEUED', transitions: [{ state: 'QUEUED', at }] };
}

/**
 * Returns the job moved to `to` at `at`, or throws IllegalStateTransitionError if the move is not
 * in the job's allowed graph. Entering FAILED requires an `error`; no other state accepts one.
 */
export function transition(job: DeployJob, to: DeployState, at: number, error?: DeployJobError): DeployJob {
  if (!canTransition(job.axes, job.state, to)) {
    throw new IllegalStateTransitionError('DeployJob', job.state, to);
  }
  if ((to === 'FAILED') !== (error !== undefined)) {
    throw new TypeError(to === 'FAILED' ? 'A deploy enters FAILED only with an error' : `A deploy entering ${to} carries no error`);
  }
  const transitions = [...job.transitions, { state: to, at }];
  return error === undefined ? { ...job, state: to, transitions } : { ...job, state: to, transitions, error };
}

/** One move a caller asks for: the outbox port's JobStep without the job's name. */
export interface DeployStep {
  readonly from: DeployState;
  readonly to: DeployState;
  /** Required exactly when `to` is FAILED. */
  readonly error?: DeployJobError;
}

/**
 * A step applied by a store: moved when the job is in `from`; skipped (`applied: false`) when it
 * is already in `to`, because an earlier attempt applied it before crashing; anything else is
 * IllegalStateTransitionError, and the store rolls back the operation the step belongs to.
 */
export function stepDeployJob(job: DeployJob, step: DeployStep, at: number): { readonly job: DeployJob; readonly applied: boolean } {
  if (job.state === step.from) return { job: transition(job, step.to, at, step.error), applied: true };
  if (job.state === step.to) return { job, applied: false };
  throw new IllegalStateTransitionError(`DeployJob (step ${step.from} → ${step.to})`, job.state, step.to);
}

/** A new job that enters `enter` at once after QUEUED, all at `at`; an illegal state throws before anything is stored. */
export function enterDeployJob(jobId: string, axes: DeployAxes, enter: readonly DeployState[], at: number): DeployJob {
  return enter.reduce((job, to) => transition(job, to, at), newDeployJob(jobId, axes, at));
}
