import { IllegalStateTransitionError, StoreUnavailableError, type FencedResult, type OutboxStore, type Settlement } from '@ivm/domain';
import { makeSettler, SettleFailedError } from './settler';

const ok = (taskId: string): Settlement => ({ kind: 'OK', lease: { taskId, token: `token-${taskId}` } });

/** An outbox whose `settle` answers from `answer` (one call's settlements → results, or a throw); every call recorded. */
function fakeOutbox(answer: (settlements: readonly Settlement[]) => readonly FencedResult[]): { outbox: OutboxStore; calls: string[][] } {
  const calls: string[][] = [];
  const outbox = {
    settle: async (settlements: readonly Settlement[]) => {
      calls.push(settlements.map((s) => s.lease.taskId));
      return answer(settlements);
    },
  } as unknown as OutboxStore;
  return { outbox, calls };
}

/** Each settlement's outcome: `Success` with its result, or `Failure` with the SettleFailedError. */
const settleAll = async (settle: ReturnType<typeof makeSettler>, ids: readonly string[]) =>
  (await Promise.allSettled(ids.map((id) => settle(ok(id))))).map((outcome) =>
    outcome.status === 'fulfilled' ? { _tag: 'Success' as const, value: outcome.value } : { _tag: 'Failure' as const, error: outcome.reason as unknown },
  );

describe('settler', () => {
  it('shares one settle call among the settlements that arrive within the flush window, at most batchSize per call', async () => {
    const { outbox, calls } = fakeOutbox((settlements) => settlements.map(() => 'applied'));
    const exits = await settleAll(makeSettler(outbox, { batchSize: 3, flushMs: 5 }), ['a', 'b', 'c', 'd', 'e']);
    expect(calls).toEqual([
      ['a', 'b', 'c'],
      ['d', 'e'],
    ]);
    expect(exits.every((exit) => exit._tag === 'Success' && exit.value === 'applied')).toBe(true);
  });

  it('tries a call the store did not answer again, with the same batch', async () => {
    let failures = 2;
    const { outbox, calls } = fakeOutbox((settlements) => {
      if (failures-- > 0) throw new StoreUnavailableError('settle', 'connection reset');
      return settlements.map(() => 'applied');
    });
    const exits = await settleAll(makeSettler(outbox, { batchSize: 10, flushMs: 1 }), ['a', 'b']);
    expect(calls).toEqual([
      ['a', 'b'],
      ['a', 'b'],
      ['a', 'b'],
    ]);
    expect(exits.map((exit) => exit._tag)).toEqual(['Success', 'Success']);
  });

  it('splits a refused batch and tries each settlement alone: only the bad one fails, and it is not retried', async () => {
    const { outbox, calls } = fakeOutbox((settlements) => {
      if (settlements.some((s) => s.lease.taskId === 'bad')) throw new IllegalStateTransitionError('deploy job', 'READY', 'RUNNING');
      return settlements.map(() => 'applied');
    });
    const exits = await settleAll(makeSettler(outbox, { batchSize: 10, flushMs: 1 }), ['a', 'bad', 'c']);
    expect(calls[0]).toEqual(['a', 'bad', 'c']);
    expect(calls.slice(1).sort()).toEqual([['a'], ['bad'], ['c']]);
    expect(exits.map((exit) => exit._tag)).toEqual(['Success', 'Failure', 'Success']);
    const failure = exits[1];
    expect(failure?._tag === 'Failure' && failure.error).toBeInstanceOf(SettleFailedError);
    expect(new SettleFailedError(new IllegalStateTransitionError('deploy job', 'READY', 'RUNNING')).transient).toBe(false);
  });

  it('gives up after about a second of unanswered calls, failing every settlement of the batch', async () => {
    const { outbox, calls } = fakeOutbox(() => {
      throw new StoreUnavailableError('settle', 'down');
    });
    const exits = await settleAll(makeSettler(outbox, { batchSize: 10, flushMs: 1 }), ['a', 'b']);
    expect(calls).toHaveLength(6);
    expect(exits.map((exit) => exit._tag)).toEqual(['Failure', 'Failure']);
  }, 10_000);
});
