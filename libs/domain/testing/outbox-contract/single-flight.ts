import type { ClaimedTask, Lease } from '../../src';
import { BOOM, claimOne, type ContractContext, taskSpec } from './fixtures';

const K1 = 'flight-1';
const K2 = 'flight-2';
const K3 = 'flight-3';

/** acquireFlights, and the flights' life with their attempt: heartbeat, settle, release, reap. */
export function describeSingleFlight({ s }: ContractContext): void {
  /** Two RUNNING tasks (of jobs `a<round>`, `b<round>`), each leased for `leaseMs`. */
  async function twoAttempts(leaseMs = 60_000, round = ''): Promise<[ClaimedTask, ClaimedTask]> {
    await s().outbox.enqueue([taskSpec(`a${round}`), taskSpec(`b${round}`)]);
    const a = await claimOne(s().outbox, 'w1', leaseMs);
    const b = await claimOne(s().outbox, 'w2', leaseMs);
    return [a, b];
  }
  const acquire = (lease: Lease, keys: readonly string[], leaseMs = 60_000) => s().outbox.acquireFlights(lease, keys, leaseMs);

  describe('single flight', () => {
    it('acquires free keys; another live attempt asking for one of them is busy; the holder asking again is not', async () => {
      const [a, b] = await twoAttempts();
      await expect(acquire(a.lease, [K1, K2, K1])).resolves.toBe('acquired');
      await expect(acquire(b.lease, [K2])).resolves.toBe('busy');
      await expect(acquire(a.lease, [K2, K1])).resolves.toBe('acquired');
      await expect(acquire(b.lease, [K3])).resolves.toBe('acquired');
      await expect(acquire(b.lease, [])).resolves.toBe('acquired');
    });

    it('takes every key or none: a busy acquire leaves its free keys free', async () => {
      const [a, b] = await twoAttempts();
      await s().outbox.enqueue([taskSpec('c')]);
      const c = await claimOne(s().outbox, 'w3');
      await expect(acquire(a.lease, [K2])).resolves.toBe('acquired');
      await expect(acquire(b.lease, [K1, K2, K3])).resolves.toBe('busy');
      await expect(acquire(c.lease, [K1, K3])).resolves.toBe('acquired');
      await expect(acquire(b.lease, [K1])).resolves.toBe('busy');
    });

    it('is fenced for a token that is not the current attempt, and takes nothing', async () => {
      const [a, b] = await twoAttempts();
      await expect(acquire({ taskId: a.task.taskId, token: 'not-a-token' }, [K1])).resolves.toBe('fenced');
      await expect(acquire({ taskId: 'no-such-task', token: a.lease.token }, [K1])).resolves.toBe('fenced');
      await s().outbox.settle([{ kind: 'OK', lease: a.lease }]);
      await expect(acquire(a.lease, [K1])).resolves.toBe('fenced');
      await expect(acquire(b.lease, [K1])).resolves.toBe('acquired');
    });

    it('takes over a flight whose holder let its lease pass, before any reap; the late holder does not get it back', async () => {
      const [a, b] = await twoAttempts(30);
      await expect(acquire(a.lease, [K1, K2], 30)).resolves.toBe('acquired');
      await s().outbox.heartbeat([b.lease], 60_000);
      await s().pass(60);
      await expect(acquire(b.lease, [K2, K3])).resolves.toBe('acquired');
      // A lease past its time but not reaped can still be extended (lease contract); its lost flight stays lost.
      await expect(s().outbox.heartbeat([a.lease], 60_000)).resolves.toEqual(['applied']);
      await expect(acquire(a.lease, [K2])).resolves.toBe('busy');
      await expect(acquire(a.lease, [K1])).resolves.toBe('acquired');
    });

    it('is extended by the holder’s heartbeat', async () => {
      const [a, b] = await twoAttempts(50);
      await s().outbox.heartbeat([b.lease], 60_000);
      await expect(acquire(a.lease, [K1], 50)).resolves.toBe('acquired');
      await s().pass(20);
      await expect(s().outbox.heartbeat([a.lease], 60_000)).resolves.toEqual(['applied']);
      await s().pass(60);
      await expect(acquire(b.lease, [K1])).resolves.toBe('busy');
    });

    it('is freed when its attempt settles, whatever the outcome', async () => {
      for (const kind of ['OK', 'RETRY', 'FAILED', 'DEAD'] as const) {
        const [a, b] = await twoAttempts(60_000, kind);
        await expect(acquire(a.lease, [K1, K2])).resolves.toBe('acquired');
        const settlement =
          kind === 'OK'
            ? { kind, lease: a.lease }
            : kind === 'RETRY'
              ? { kind, lease: a.lease, delayMs: 60_000, error: BOOM }
              : { kind, lease: a.lease, error: BOOM };
        await expect(s().outbox.settle([settlement])).resolves.toEqual(['applied']);
        await expect(acquire(b.lease, [K1, K2])).resolves.toBe('acquired');
        await s().outbox.settle([{ kind: 'OK', lease: b.lease }]);
      }
    });

    it('is freed when its attempt is released or reaped, and a fenced settle frees nothing', async () => {
      const [a, b] = await twoAttempts(20);
      await s().outbox.heartbeat([a.lease], 60_000);
      await expect(acquire(a.lease, [K1])).resolves.toBe('acquired');
      await expect(acquire(b.lease, [K2])).resolves.toBe('acquired');
      await expect(s().outbox.settle([{ kind: 'OK', lease: { ...a.lease, token: b.lease.token } }])).resolves.toEqual(['fenced']);
      await s().pass(40);
      expect((await s().outbox.reap(10)).map((t) => t.taskId)).toEqual([b.task.taskId]);
      await s().outbox.enqueue([taskSpec('c')]);
      const c = await claimOne(s().outbox, 'w3');
      await expect(acquire(c.lease, [K1, K2])).resolves.toBe('busy');
      await expect(s().outbox.release([a.lease])).resolves.toEqual(['applied']);
      await expect(acquire(c.lease, [K1, K2])).resolves.toBe('acquired');
    });
  });
}
