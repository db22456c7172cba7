import { sql, type Kysely, type Migration } from 'kysely';

/*
 * The deploy orchestration schema. A migration is history: it spells out its values (task types,
 * states) instead of importing the domain's lists, so a later change of the code cannot rewrite
 * what an existing database was migrated with.
 */
const statements = [
  // Tasks change status a few times each and finished ones are pruned: leave room on every page
  // for the next row version (fillfactor), and vacuum after 1 % of the rows changed, not 20 %.
  sql`CREATE TABLE outbox_tasks (
    task_id text COLLATE "C" PRIMARY KEY,
    type text NOT NULL CHECK (type IN ('COMPILE_TASK', 'SHIP_TASK')),
    status text NOT NULL CHECK (status IN ('PENDING', 'RUNNING', 'SUCCESS', 'FAILED', 'DEAD')),
    tenant_id text COLLATE "C" NOT NULL,
    job_id text COLLATE "C" NOT NULL,
    payload jsonb NOT NULL,
    attempt integer NOT NULL DEFAULT 0 CHECK (attempt >= 0),
    max_attempts integer NOT NULL CHECK (max_attempts >= 1),
    lease_owner text,
    lease_until timestamptz,
    token uuid,
    created_at timestamptz NOT NULL DEFAULT now(),
    run_after timestamptz NOT NULL DEFAULT now(),
    last_error jsonb,
    settled_at timestamptz,
    CONSTRAINT outbox_tasks_lease_while_running CHECK ((status = 'RUNNING') = (token IS NOT NULL AND lease_owner IS NOT NULL AND lease_until IS NOT NULL))
  ) WITH (
    fillfactor = 70,
    autovacuum_vacuum_scale_factor = 0.01,
    autovacuum_vacuum_threshold = 500,
    autovacuum_analyze_scale_factor = 0.02,
    autovacuum_vacuum_cost_delay = 1
  )`,
  // claim: the due PENDING tasks, oldest runAfter first; reap: expired leases; prune: old SUCCESS.
  sql`CREATE INDEX outbox_tasks_claim ON outbox_tasks (run_after, task_id) WHERE status = 'PENDING'`,
  sql`CREATE INDEX outbox_tasks_reap ON outbox_tasks (lease_until) WHERE status = 'RUNNING'`,
  sql`CREATE INDEX outbox_tasks_prune ON outbox_tasks (settled_at) WHERE status = 'SUCCESS'`,
  // The admin list of stuck tasks, and a job's tasks for its status.
  sql`CREATE INDEX outbox_tasks_stuck ON outbox_tasks (created_at, task_id) WHERE status IN ('FAILED', 'DEAD')`,
  sql`CREATE INDEX outbox_tasks_job ON outbox_tasks (tenant_id, job_id)`,
  sql`CREATE TABLE deploy_jobs (
    tenant_id text COLLATE "C" NOT NULL,
    job_id text COLLATE "C" NOT NULL,
    axes jsonb NOT NULL,
    records jsonb NOT NULL,
    state text NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'READY', 'SINKING', 'DONE', 'FAILED')),
    error jsonb,
    transition_count integer NOT NULL CHECK (transition_count >= 1),
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, job_id)
  )`,
  sql`CREATE TABLE deploy_transitions (
    tenant_id text COLLATE "C" NOT NULL,
    job_id text COLLATE "C" NOT NULL,
    seq integer NOT NULL,
    state text NOT NULL CHECK (state IN ('QUEUED', 'RUNNING', 'READY', 'SINKING', 'DONE', 'FAILED')),
    at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, job_id, seq),
    FOREIGN KEY (tenant_id, job_id) REFERENCES deploy_jobs ON DELETE CASCADE
  )`,
  // Permanent: a key names its first request for good. The job it names is inserted later in the
  // same transaction, hence the deferred check.
  sql`CREATE TABLE idempotency_keys (
    tenant_id text COLLATE "C" NOT NULL,
    idempotency_key text COLLATE "C" NOT NULL,
    request_hash text NOT NULL,
    job_id text COLLATE "C" NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (tenant_id, idempotency_key),
    FOREIGN KEY (tenant_id, job_id) REFERENCES deploy_jobs DEFERRABLE INITIALLY DEFERRED
  )`,
];

export const deploys: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    for (const statement of statements) await statement.execute(db);
  },
};
