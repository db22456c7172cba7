import type { DeployAxes, DeployJobError, DeployState, StoredDeployJob } from '@ivm/domain';
import { jobError } from './deploy-status';

/** A deploy job as POST and GET deploys answer it, and as the SDK returns it (over HTTP and in-process alike). */
export interface DeployJobView {
  readonly jobId: string;
  readonly state: DeployState;
  readonly compile: DeployAxes['compile'];
  readonly ship: { readonly mode: 'sync' | 'async'; readonly sinks: readonly string[] } | null;
  readonly cutover: DeployAxes['cutover'];
  readonly records: readonly { readonly entityKey: string; readonly version: number }[];
  /** Every state entered, oldest first; `at` in ISO-8601. */
  readonly transitions: readonly { readonly state: DeployState; readonly at: string }[];
  /** Why the job failed (FAILED), or the error of a DEAD task holding it up (re-drive it). */
  readonly error?: DeployJobError;
  readonly tasks: readonly {
    readonly taskId: string;
    readonly type: 'COMPILE_TASK' | 'SHIP_TASK';
    readonly status: string;
    readonly attempt: number;
    readonly lastError?: DeployJobError;
  }[];
  /** ISO-8601. */
  readonly createdAt: string;
}

/** The JSON of a job: its axes flattened, times as ISO-8601, and the error that explains a FAILED or stuck job. */
export function deployJobView(job: StoredDeployJob): DeployJobView {
  const error = jobError(job);
  return {
    jobId: job.jobId,
    state: job.state,
    compile: job.axes.compile,
    ship: job.axes.ship === null ? null : { mode: job.axes.ship.mode, sinks: [...job.axes.ship.sinks] },
    cutover: job.axes.cutover,
    records: job.records.map((r) => ({ entityKey: r.entityKey, version: r.version })),
    transitions: job.transitions.map((t) => ({ state: t.state, at: new Date(t.at).toISOString() })),
    ...(error === undefined ? {} : { error }),
    tasks: job.tasks.map((t) => ({ taskId: t.taskId, type: t.type, status: t.status, attempt: t.attempt, ...(t.lastError ? { lastError: t.lastError } : {}) })),
    createdAt: new Date(job.createdAt).toISOString(),
  };
}
