/**
 * A DynamoDB client for the stores that meters every data request: by the work it was sent for
 * (an AsyncLocalStorage tag: `request`, `compile`, `ship`, …) and operation, its count, the
 * capacity DynamoDB charges for it (asked with `ReturnConsumedCapacity: TOTAL`, which dynalite
 * computes with DynamoDB's rules: reads 4 KB per strongly consistent RCU, BatchGetItem item by
 * item, Query on the sum; writes 1 KB per WCU, an update the larger of before and after) and how
 * long it was in flight. `latencyMs` delays every request before it is sent, to see how the
 * code's round trips add up when each costs what it costs on AWS rather than on loopback; the
 * delay holds one of 50 slots, as a request holds one of the SDK's 50 sockets (NodeHttpHandler's
 * default `maxSockets`), so unbounded fan-outs of requests queue as they would against AWS.
 */
import { AsyncLocalStorage } from 'node:async_hooks';
import { performance } from 'node:perf_hooks';
import type { ConsumedCapacity } from '@aws-sdk/client-dynamodb';
import { type DynamoClientLike, operationName } from '@ivm/adapters-dynamodb';

/** The SDK's default sockets per client (@smithy/node-http-handler). */
const SDK_MAX_SOCKETS = 50;

/** Operations whose capacity is read capacity. */
const READS = new Set(['GetItem', 'BatchGetItem', 'Query', 'Scan']);
/** The data operations (capacity asked for); DescribeTable and CreateTable pass through unmetered. */
const DATA = new Set(['GetItem', 'BatchGetItem', 'Query', 'PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem']);

export interface OperationUsage {
  requests: number;
  /** RCU (reads) or WCU (writes), as DynamoDB reports them for strongly consistent reads. */
  capacity: number;
  /** Milliseconds the requests were in flight, summed (divided by a phase's time: the mean requests in flight). */
  inFlightMs: number;
}

/** tag → operation → usage. */
export type DynamoUsage = Record<string, Record<string, OperationUsage>>;

export const isRead = (operation: string): boolean => READS.has(operation);

export class MeteredDynamo {
  private readonly tags = new AsyncLocalStorage<string>();
  private usage: DynamoUsage = {};
  /** Data requests sent since the start (never reset): a sign of progress. */
  sent = 0;
  readonly client: DynamoClientLike;

  constructor(inner: DynamoClientLike, latencyMs: number) {
    const send = inner.send.bind(inner) as (command: object) => Promise<{ ConsumedCapacity?: ConsumedCapacity | ConsumedCapacity[] }>;
    const sockets = new Slots(SDK_MAX_SOCKETS);
    const metered = async (command: object): Promise<unknown> => {
      const operation = operationName(command);
      if (!DATA.has(operation)) return send(command);
      (command as { input: { ReturnConsumedCapacity?: string } }).input.ReturnConsumedCapacity = 'TOTAL';
      const tag = this.tags.getStore() ?? 'other';
      const start = performance.now();
      const entry = ((this.usage[tag] ??= {})[operation] ??= { requests: 0, capacity: 0, inFlightMs: 0 });
      entry.requests++;
      this.sent++;
      try {
        let output;
        if (latencyMs > 0) {
          await sockets.take();
          try {
            await new Promise((resolve) => setTimeout(resolve, latencyMs));
            output = await send(command);
          } finally {
            sockets.give();
          }
        } else output = await send(command);
        const consumed = output.ConsumedCapacity;
        for (const c of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) entry.capacity += c.CapacityUnits ?? 0;
        return output;
      } finally {
        entry.inFlightMs += performance.now() - start;
      }
    };
    this.client = { send: metered } as DynamoClientLike;
  }

  /** Runs `work` with its DynamoDB requests counted under `tag` (also whatever it starts that outlives it). */
  tagged<T>(tag: string, work: () => Promise<T>): Promise<T> {
    return this.tags.run(tag, work);
  }

  /** The usage since the last take, and a fresh start. */
  take(): DynamoUsage {
    const usage = this.usage;
    this.usage = {};
    return usage;
  }
}

/** A counting semaphore. */
class Slots {
  private readonly waiting: (() => void)[] = [];
  constructor(private free: number) {}

  async take(): Promise<void> {
    if (this.free > 0) {
      this.free--;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  give(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.free++;
  }
}

/** Sums usage over tags (or the tags given), by operation. */
export function byOperation(usage: DynamoUsage, tags?: readonly string[]): Record<string, OperationUsage> {
  const out: Record<string, OperationUsage> = {};
  for (const [tag, operations] of Object.entries(usage)) {
    if (tags && !tags.includes(tag)) continue;
    for (const [operation, u] of Object.entries(operations)) {
      const sum = (out[operation] ??= { requests: 0, capacity: 0, inFlightMs: 0 });
      sum.requests += u.requests;
      sum.capacity += u.capacity;
      sum.inFlightMs += u.inFlightMs;
    }
  }
  return out;
}

/** Requests, RCU and WCU of some usage by operation. */
export function totals(operations: Record<string, OperationUsage>): { requests: number; rcu: number; wcu: number; inFlightMs: number } {
  let requests = 0;
  let rcu = 0;
  let wcu = 0;
  let inFlightMs = 0;
  for (const [operation, u] of Object.entries(operations)) {
    requests += u.requests;
    inFlightMs += u.inFlightMs;
    if (isRead(operation)) rcu += u.capacity;
    else wcu += u.capacity;
  }
  return { requests, rcu, wcu, inFlightMs };
}

/**
 * An item's size as DynamoDB counts it (attribute names plus values: strings and binaries by
 * their bytes, numbers about 1 byte per 2 digits + 1, booleans and nulls 1, maps and lists 3 +
 * their elements), for the item-size table: what a read or write of it costs.
 */
export function itemBytes(item: Record<string, unknown>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueBytes(value);
  return size;
}

function valueBytes(value: unknown): number {
  const v = value as Record<string, unknown>;
  if (typeof v['S'] === 'string') return Buffer.byteLength(v['S']);
  if (typeof v['N'] === 'string') return Math.ceil(v['N'].replace(/[-.]/g, '').replace(/^0+/, '').length / 2) + 1;
  if (v['B'] instanceof Uint8Array) return v['B'].length;
  if ('BOOL' in v || 'NULL' in v) return 1;
  if (Array.isArray(v['L'])) return 3 + (v['L'] as unknown[]).reduce<number>((sum, x) => sum + 1 + valueBytes(x), 0);
  if (v['M'] !== undefined && typeof v['M'] === 'object') return 3 + itemBytes(v['M'] as Record<string, unknown>) + Object.keys(v['M'] as object).length;
  return 0;
}
