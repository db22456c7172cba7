import { breakerSettings, type SinkContract, type SinkItemOutcome, type SinkOperation, type SinkPlugin, SinkNotConfiguredError } from '@ivm/domain';
import { ManualClock, sampleRegistry } from '@ivm/domain/testing';
import { guardSink, type SinkObserver } from './guarded-sink';

const registry = sampleRegistry();
const contract: SinkContract = registry.sink('opensearch-products');
const op = (n: number): SinkOperation => ({ kind: 'delete', docId: `acme:P${n}`, entityKey: `product#P${n}`, version: 1, revision: n });

/** A sink that answers what the test sets, counting the calls that reached it. */
function scriptedSink() {
  const state = { answer: 'applied' as SinkItemOutcome['status'] | 'throw', calls: 0 };
  const plugin: SinkPlugin = {
    type: 'opensearch',
    async apply(_sink, _tenant, operations) {
      state.calls++;
      await Promise.resolve();
      if (state.answer === 'throw') throw new Error('socket hang up');
      return operations.map((o) => ({ docId: o.docId, status: state.answer as SinkItemOutcome['status'] }));
    },
  };
  return { plugin, state };
}

function observed() {
  const events: string[] = [];
  const counts = { applied: 0, stale: 0, retry: 0, rejected: 0 };
  const observer: SinkObserver = {
    outcomes: (sinkId, c) => {
      for (const key of Object.keys(counts) as (keyof typeof counts)[]) counts[key] += c[key];
    },
    breaker: (sinkId, state) => events.push(`${sinkId}:${state}`),
  };
  return { observer, events, counts };
}

describe('guardSink: a circuit breaker per sink', () => {
  const settings = breakerSettings({ failureThreshold: 3, openMs: 1_000, maxOpenMs: 8_000 });

  it('opens after the threshold of failed calls, fails fast without calling the sink, probes after the period and closes when the sink answers', async () => {
    const clock = new ManualClock();
    const { plugin, state } = scriptedSink();
    const { observer, events, counts } = observed();
    const guarded = guardSink('opensearch-products', plugin, { clock, settings, observer });
    state.answer = 'retry';
    for (let i = 0; i < 3; i++) await guarded.apply(contract, 'acme', [op(1), op(2)]);
    expect(events).toEqual(['opensearch-products:open']);
    const fast = await guarded.apply(contract, 'acme', [op(1), op(2)]);
    expect(state.calls).toBe(3);
    expect(fast).toEqual([
      expect.objectContaining({ docId: 'acme:P1', status: 'retry', retryAfterMs: 1_000, reason: expect.stringContaining('circuit open') }),
      expect.objectContaining({ docId: 'acme:P2', status: 'retry', retryAfterMs: 1_000 }),
    ]);
    clock.advance(1_000);
    // The probe fails: open again, for twice as long.
    await guarded.apply(contract, 'acme', [op(1)]);
    expect(state.calls).toBe(4);
    expect(await guarded.apply(contract, 'acme', [op(1)])).toEqual([expect.objectContaining({ retryAfterMs: 2_000 })]);
    clock.advance(2_000);
    state.answer = 'applied';
    expect(await guarded.apply(contract, 'acme', [op(1)])).toEqual([{ docId: 'acme:P1', status: 'applied' }]);
    expect(events).toEqual([
      'opensearch-products:open',
      'opensearch-products:half-open',
      'opensearch-products:open',
      'opensearch-products:half-open',
      'opensearch-products:closed',
    ]);
    expect(counts).toEqual({ applied: 1, stale: 0, retry: 3 * 2 + 2 + 1 + 1, rejected: 0 });
  });

  it('counts a throwing sink as failed, but not a domain error (a configuration problem says nothing of its health)', async () => {
    const clock = new ManualClock();
    const { plugin, state } = scriptedSink();
    const guarded = guardSink('opensearch-products', plugin, { clock, settings });
    state.answer = 'throw';
    for (let i = 0; i < 3; i++) await expect(guarded.apply(contract, 'acme', [op(1)])).rejects.toThrow('socket hang up');
    expect((await guarded.apply(contract, 'acme', [op(1)]))[0]).toMatchObject({ status: 'retry' });
    expect(state.calls).toBe(3);

    const misconfigured: SinkPlugin = {
      type: 'opensearch',
      apply: () => Promise.reject(new SinkNotConfiguredError('opensearch-products', 'OPENSEARCH_URL is not set')),
    };
    const guardedMisconfigured = guardSink('opensearch-products', misconfigured, { clock, settings });
    for (let i = 0; i < 5; i++) await expect(guardedMisconfigured.apply(contract, 'acme', [op(1)])).rejects.toThrow(SinkNotConfiguredError);
  });

  it('takes any answer as a sign of life: a partly retried, stale or rejected call resets the failure count', async () => {
    const clock = new ManualClock();
    const { plugin, state } = scriptedSink();
    const { observer, events } = observed();
    const guarded = guardSink('opensearch-products', plugin, { clock, settings, observer });
    for (const answer of ['retry', 'retry', 'stale', 'retry', 'retry', 'rejected', 'retry', 'retry'] as const) {
      state.answer = answer;
      await guarded.apply(contract, 'acme', [op(1)]);
    }
    expect(events).toEqual([]);
    expect(await guarded.apply(contract, 'acme', [])).toEqual([]);
  });
});
