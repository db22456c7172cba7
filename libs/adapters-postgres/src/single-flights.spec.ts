import type { ClaimedTask, FlightResult } from '@ivm/domain';
import { taskSpec } from '@ivm/domain/testing';
import { Pool } from 'pg';
import { openTestPostgres, type TestPostgres } from '../testing';
import { openPostgres, type PostgresDeploys } from './open-postgres';

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

interface FlightRecord {
  readonly key: string;
  readonly task_id: string;
  readonly token: string;
  readonly until_ms: number;
}

/** single_flights on PostgreSQL: races between pools, and the rows the frees and heartbeats leave. */
describe('postgres single flights', () => {
  let pg: TestPostgres;
  let racers: PostgresDeploys[];
  let raw: Pool;

  beforeAll(async () => {
    pg = await openTestPostgres();
    racers = await Promise.all(range(4).map(() => openPostgres({ connectionString: pg.connectionString, poolSize: 3, listen: false })));
    raw = new Pool({ connectionString: pg.connectionString, max: 3 });
  });
  beforeEach(async () => pg.reset());
  afterAll(async () => {
    await raw?.end();
    await Promise.all((racers ?? []).map((racer) => racer.close()));
    await pg?.close();
  });

  const flights = async (): Promise<FlightRecord[]> =>
    (
      await raw.query<FlightRecord>(
        `SELECT key, task_id, token::text AS token, floor(extract(epoch from until) * 1000)::float8 AS until_ms FROM single_flights ORDER BY key`,
      )
    ).rows;

  async function claimed(n: number, leaseMs = 60_000): Promise<ClaimedTask[]> {
    await pg.outbox.enqueue(range(n).map((i) => taskSpec(`job-${i}`)));
    const all = await pg.outbox.claim('w', n, leaseMs);
    if (all.length !== n) throw new Error(`${n} claims expected`);
    return [...all];
  }

  it('attempts racing from four pools for overlapping key sets: each key has at most one holder, and each attempt holds all its keys or none', async () => {
    const keys = range(6).map((i) => `k${i}`);
    for (const round of range(12)) {
      await pg.reset();
      const attempts = await claimed(8);
      // Attempt i wants three neighbouring keys, shifted by the round: every key is wanted by several attempts.
      const wanted = attempts.map((_, i) => [0, 1, 3].map((d) => keys[(i + round + d) % keys.length] as string));
      const results: FlightResult[] = await Promise.all(
        attempts.map((a, i) => (racers[i % 4] as PostgresDeploys).outbox.acquireFlights(a.lease, wanted[i] ?? [], 60_000)),
      );
      const held = await flights();
      const winners = attempts.flatMap((a, i) => (results[i] === 'acquired' ? [{ a, keys: wanted[i] ?? [] }] : []));
      expect(winners.length).toBeGreaterThan(0);
      expect(results.every((r) => r === 'acquired' || r === 'busy')).toBe(true);
      // Winners' key sets are disjoint, and the table holds exactly their keys, each with its winner's token.
      const expected = winners.flatMap((w) => w.keys.map((key) => ({ key, token: w.a.lease.token }))).sort((x, y) => x.key.localeCompare(y.key));
      expect(new Set(expected.map((e) => e.key)).size).toBe(expected.length);
      expect(held.map((f) => ({ key: f.key, token: f.token }))).toEqual(expected);
    }
  });

  it('an acquire that loses a key to a concurrent acquire committing after its snapshot answers busy and keeps none of its other keys', async () => {
    const [a, b] = await claimed(2);
    if (!a || !b) throw new Error('two claims expected');
    const other = await raw.connect();
    try {
      // b's acquire of k2 is in flight (inserted, not committed) when a's acquire of k1, k2 starts.
      await other.query('BEGIN');
      await other.query(`INSERT INTO single_flights (key, task_id, token, until) VALUES ('k2', $1, $2::uuid, now() + interval '1 minute')`, [
        b.task.taskId,
        b.lease.token,
      ]);
      const racing = pg.outbox.acquireFlights(a.lease, ['k1', 'k2'], 60_000);
      for (let waited = 0; waited < 5_000; waited += 10) {
        const { rows } = await raw.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
        );
        if (Number(rows[0]?.n) > 0) break;
        await sleep(10);
      }
      await other.query('COMMIT');
      await expect(racing).resolves.toBe('busy');
    } finally {
      other.release();
    }
    expect((await flights()).map((f) => [f.key, f.token])).toEqual([['k2', b.lease.token]]);
    await expect(pg.outbox.acquireFlights(a.lease, ['k1'], 60_000)).resolves.toBe('acquired');
  });

  it('settle, release and reap delete the rows of the attempts they end, in the same statement; a heartbeat moves them with the lease', async () => {
    const [a, b, c, d] = await claimed(4, 30);
    if (!a || !b || !c || !d) throw new Error('four claims expected');
    await pg.outbox.heartbeat([a.lease, b.lease, c.lease], 60_000);
    for (const [i, attempt] of [a, b, c, d].entries()) await pg.outbox.acquireFlights(attempt.lease, [`k${i}`], 30);
    const before = await flights();
    await expect(pg.outbox.heartbeat([a.lease], 120_000)).resolves.toEqual(['applied']);
    const beat = (await flights()).find((f) => f.key === 'k0');
    expect(beat?.until_ms).toBe((await pg.outbox.get(a.task.taskId))?.leaseUntil);
    expect(beat?.until_ms).toBeGreaterThan((before.find((f) => f.key === 'k0')?.until_ms ?? Infinity) + 60_000);

    await pg.outbox.settle([{ kind: 'OK', lease: a.lease }]);
    await pg.outbox.release([b.lease]);
    await sleep(40);
    expect((await pg.outbox.reap(10)).map((t) => t.taskId)).toEqual([d.task.taskId]);
    expect((await flights()).map((f) => f.key)).toEqual(['k2']);
  });
  it('the reaper sweeps a dead flight an acquire left behind when it raced the end of its own attempt', async () => {
    const [a, b] = await claimed(2);
    if (!a || !b) throw new Error('two claims expected');
    await pg.outbox.acquireFlights(b.lease, ['live'], 60_000);
    await pg.outbox.settle([{ kind: 'OK', lease: a.lease }]);
    // What such an acquire commits after the settle that ended its attempt: a's flight, past its time.
    await raw.query(`INSERT INTO single_flights (key, task_id, token, until) VALUES ('orphan', $1, $2::uuid, now() - interval '1 millisecond')`, [
      a.task.taskId,
      a.lease.token,
    ]);
    await expect(pg.outbox.reap(10)).resolves.toEqual([]);
    expect((await flights()).map((f) => f.key)).toEqual(['live']);
  });
});
