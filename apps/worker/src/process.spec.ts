import type { TaskHandler } from '@ivm/application';
import { createInMemoryDeploys } from '@ivm/domain';
import { ManualClock } from '@ivm/domain/testing';
import pino from 'pino';
import { runWorkerProcess } from './process';
import { spec, until } from '@ivm/runtime/testing';

const ok: TaskHandler = { run: async () => undefined, onFinalFailure: () => undefined };
const config = {
  concurrency: 2,
  leaseMs: 3_000,
  pollMs: 50,
  backoffBaseMs: 100,
  maxAttempts: 10,
  shutdownGraceMs: 1_000,
  retentionMs: 60_000,
  port: 0,
  host: '127.0.0.1',
};

describe('worker process (in-process, in-memory stores)', () => {
  it('serves /healthz and /metrics, and shuts down: runtime, server, then stores', async () => {
    const deploys = createInMemoryDeploys(new ManualClock());
    let closed = 0;
    const exits: number[] = [];
    const running = await runWorkerProcess({
      config,
      stores: { outbox: deploys.outbox, wakeups: deploys.wakeups, close: async () => void (closed += 1) },
      handlers: { COMPILE_TASK: ok, SHIP_TASK: ok },
      logger: pino({ level: 'silent' }),
      exit: (code) => exits.push(code),
    });
    const url = `http://127.0.0.1:${running.port}`;
    const health = await fetch(`${url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', owner: running.owner, inFlight: 0 });

    const [task] = await deploys.outbox.enqueue([spec('m')]);
    await until(async () => (await deploys.outbox.get(task?.taskId ?? ''))?.status === 'SUCCESS', 2_000, 'the task');
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/ivm_worker_tasks_total\{type="COMPILE_TASK",outcome="ok"\} 1/);
    expect(metrics).toMatch(/ivm_worker_claim_to_start_seconds_count\{type="COMPILE_TASK"\} 1/);
    expect(metrics).toMatch(/ivm_worker_in_flight_tasks 0/);
    expect((await fetch(`${url}/nope`)).status).toBe(404);

    const listeners = process.listenerCount('SIGTERM');
    expect(await running.shutdown()).toEqual({ finished: 0, released: 0 });
    expect(closed).toBe(1);
    expect(process.listenerCount('SIGTERM')).toBe(listeners - 1);
    await expect(fetch(`${url}/healthz`)).rejects.toThrow();
    expect(exits).toEqual([]);
  });
});
