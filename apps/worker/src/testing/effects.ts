/** The table the process tests' recording handler writes: one row per effect, with the attempt (token) that made it. */
export const EFFECTS_DDL =
  'CREATE TABLE IF NOT EXISTS worker_effects (task_id text NOT NULL, token text NOT NULL, owner text NOT NULL, phase text NOT NULL, at timestamptz NOT NULL DEFAULT now())';

/** Records one effect. */
export const INSERT_EFFECT = 'INSERT INTO worker_effects (task_id, token, owner, phase) VALUES ($1, $2, $3, $4)';
