/*
 * A worker process for the process tests: the real configuration, runtime, PostgreSQL outbox and
 * shutdown path (`runWorkerProcess`), with a handler that records its effect in PostgreSQL
 * (`worker_effects`: task, fencing token, owner, phase), so a test can see every effect and by
 * which attempt it was made.
 *
 * TEST_HANDLER: `record` (insert a 'done' row at once) or `slow:<ms>` (a 'started' row, then
 * <ms> — cut short by the run's abort signal — then a 'done' row).
 */
import type { TaskHandler } from '@ivm/application';
import { openPostgres } from '@ivm/adapters-postgres';
import pg from 'pg';
import pino from 'pino';
import { loadWorkerConfig } from '../config';
import { runWorkerProcess } from '../process';
import { INSERT_EFFECT } from './effects';

function recordingHandler(pool: pg.Pool, owner: () => string, mode: string): TaskHandler {
  const slowMs = mode.startsWith('slow:') ? Number(mode.slice(5)) : 0;
  const record = (taskId: string, token: string, phase: string): Promise<unknown> => pool.query(INSERT_EFFECT, [taskId, token, owner(), phase]);
  return {
    run: async ({ lease }, signal) => {
      if (slowMs > 0) {
        await record(lease.taskId, lease.token, 'started');
        await new Promise<void>((resolve, reject) => {
          const timer = setTimeout(resolve, slowMs);
          signal.addEventListener('abort', () => {
            clearTimeout(timer);
            reject(signal.reason instanceof Error ? signal.reason : new Error('aborted'));
          });
        });
      }
      await record(lease.taskId, lease.token, 'done');
      return undefined;
    },
    onFinalFailure: () => undefined,
  };
}

async function main(): Promise<void> {
  const config = loadWorkerConfig(process.env);
  const logger = pino({ level: config.logLevel });
  const pool = new pg.Pool({ connectionString: config.databaseUrl, max: 4 });
  const stores = await openPostgres({ connectionString: config.databaseUrl });
  let owner = '?';
  const handler = recordingHandler(pool, () => owner, process.env['TEST_HANDLER'] ?? 'record');
  const running = await runWorkerProcess({
    config,
    stores: {
      outbox: stores.outbox,
      wakeups: stores.wakeups,
      close: async () => {
        await stores.close();
        await pool.end();
      },
    },
    handlers: { COMPILE_TASK: handler, SHIP_TASK: handler },
    logger,
  });
  owner = running.owner;
}

main().catch((error: unknown) => {
  process.stderr.write(`worker test process failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
