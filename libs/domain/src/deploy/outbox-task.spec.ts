import fc from 'fast-check';
import { IllegalStateTransitionError, InvalidOutboxPayloadError, type DomainError } from '../errors';
import { TASK_STATUSES, assertTaskTransition, canTaskTransition, newOutboxTask, outboxTaskId, parseTaskPayload, type TaskPayload } from './outbox-task';

const payload: TaskPayload = { tenantId: 'demo', jobId: 'job-1', entities: [{ entityKey: 'product#ABC-123', version: 3 }], sinkIds: ['opensearch-products'] };

function problemPaths(input: unknown): string[] {
  try {
    parseTaskPayload(input);
  } catch (error) {
    expect(error).toBeInstanceOf(InvalidOutboxPayloadError);
    return (error as DomainError).details.map((d) => d.path);
  }
  throw new Error('expected the payload to be rejected');
}

describe('outbox task', () => {
  it('starts PENDING, unleased, with no attempts, runnable from createdAt', () => {
    const task = newOutboxTask({ type: 'SHIP_TASK', payload, createdAt: 1_000 });
    expect(task).toEqual({
      taskId: outboxTaskId('demo', 'job-1', 'SHIP_TASK'),
      type: 'SHIP_TASK',
      status: 'PENDING',
      payload,
      attempt: 0,
      maxAttempts: 10,
      leaseOwner: null,
      leaseUntil: null,
      createdAt: 1_000,
      runAfter: 1_000,
      lastError: null,
    });
  });

  it('derives the same taskId for the same (tenant, job, type) whatever else differs', () => {
    const a = newOutboxTask({ type: 'COMPILE_TASK', payload: { ...payload, sinkIds: [] }, createdAt: 1 });
    const b = newOutboxTask({ type: 'COMPILE_TASK', payload: { ...payload, sinkIds: [], entities: [{ entityKey: 'product#X', version: 9 }] }, createdAt: 2 });
    expect(a.taskId).toBe(b.taskId);
    expect(a.taskId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('derives distinct taskIds for distinct (tenant, job, type) (property)', () => {
    const id = fc.string({ minLength: 1, maxLength: 8 });
    const key = fc.tuple(id, id, fc.constantFrom('COMPILE_TASK' as const, 'SHIP_TASK' as const));
    fc.assert(
      fc.property(key, key, (a, b) => {
        expect(outboxTaskId(...a) === outboxTaskId(...b)).toBe(a[0] === b[0] && a[1] === b[1] && a[2] === b[2]);
      }),
      { seed: 8_005, numRuns: 300 },
    );
  });

  it('rejects a payload carrying document data, at any level', () => {
    expect(problemPaths({ ...payload, data: { name: 'Moisture Cream' } })).toEqual(['/data']);
    expect(problemPaths({ ...payload, entities: [{ entityKey: 'product#A', version: 1, data: {} }] })).toEqual(['/entities/0/data']);
  });

  it('rejects anything that is not a reference field, and malformed references', () => {
    expect(problemPaths({ ...payload, document: {} })).toEqual(['/document']);
    expect(problemPaths({ tenantId: '', jobId: 1, entities: [{ entityKey: 'p#1', version: 0 }, 'x'], sinkIds: [''] }).sort()).toEqual(
      ['/tenantId', '/jobId', '/entities/0/version', '/entities/1', '/sinkIds/0'].sort(),
    );
    expect(problemPaths({ ...payload, entities: [] })).toEqual(['/entities']);
    expect(problemPaths('payload')).toEqual(['']);
  });

  it('strips nothing silently: a valid payload comes back equal', () => {
    expect(parseTaskPayload(payload)).toEqual(payload);
  });

  it('requires a SHIP_TASK to name a sink, and maxAttempts ≥ 1', () => {
    expect(() => newOutboxTask({ type: 'SHIP_TASK', payload: { ...payload, sinkIds: [] }, createdAt: 0 })).toThrow(InvalidOutboxPayloadError);
    expect(() => newOutboxTask({ type: 'COMPILE_TASK', payload, createdAt: 0, maxAttempts: 0 })).toThrow(RangeError);
  });

  it('allows exactly the task status transitions of the model (property, every pair)', () => {
    const allowed = ['PENDING>RUNNING', 'RUNNING>SUCCESS', 'RUNNING>PENDING', 'RUNNING>FAILED', 'RUNNING>DEAD', 'DEAD>PENDING'];
    const status = fc.constantFrom(...TASK_STATUSES);
    fc.assert(
      fc.property(status, status, (from, to) => {
        const ok = allowed.includes(`${from}>${to}`);
        expect(canTaskTransition(from, to)).toBe(ok);
        if (ok) expect(() => assertTaskTransition(from, to)).not.toThrow();
        else expect(() => assertTaskTransition(from, to)).toThrow(IllegalStateTransitionError);
      }),
      { seed: 8_006, numRuns: 200 },
    );
  });
});
