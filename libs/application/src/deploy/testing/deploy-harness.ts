import {
  type ClaimedTask,
  createInMemoryDeploys,
  createInMemoryStores,
  DEFAULT_RETRY_POLICY,
  type InMemoryStores,
  type JsonObject,
  queryView,
  type SinkPlugin,
  type Stores,
} from '@ivm/domain';
import { ManualClock, sampleRegistry } from '@ivm/domain/testing';
import type { DeployDeps, DeploySinks } from '../deps';
import { createDeployServices } from '../deploy-services';
import { SinkDirectory } from '../../sinks/sink-directory';
import { runInline } from '../run-inline';
import { KillSwitch, type CrashPoint } from './crash';
import { MemorySink } from './memory-sink';

export const T = 'acme';
export const LEASE_MS = 30_000;

export const brand = (id: string, name: string, version = 1) => ({ entityType: 'brand', entityId: id, version, data: { brand_id: id, name } });
export const product = (sku: string, version = 1, extra: JsonObject = {}) => ({
  entityType: 'product',
  entityId: sku,
  version,
  data: { sku, name: `Product ${sku}`, brand_id: 'B1', category_ids: ['C1'], price: 1000, currency: 'KRW', status: 'ACTIVE', ...extra },
});

/** Every sink of the registry, configured, shipped through one plugin per type. */
export function sinksOf(registry: ReturnType<typeof sampleRegistry>, plugins: ReadonlyMap<string, SinkPlugin>): DeploySinks {
  const env: Record<string, string> = { OPENSEARCH_URL: 'http://opensearch.test', PERSONALIZE_WEBHOOK_URL: 'http://personalize.test/hook' };
  return new SinkDirectory(registry, { plugins: [...plugins.values()], env: (name) => env[name] });
}

/**
 * One deploy world in memory: DynamoDB-like stores, the outbox over a manual clock, a memory
 * sink for every sink type. `process()` makes another process's services over the same stores
 * (after a crash, the survivor); `work()` is a worker draining the outbox.
 */
export function deployWorld(options: { readonly stores?: Stores } = {}) {
  const registry = sampleRegistry();
  const clock = new ManualClock();
  const stores: Stores = options.stores ?? createInMemoryStores();
  const deploys = createInMemoryDeploys(clock);
  const sink = new MemorySink('opensearch');
  const webhook = new MemorySink('webhook');
  const plugins = new Map<string, SinkPlugin>([
    ['opensearch', sink],
    ['webhook', webhook],
  ]);
  let jobs = 0;
  const depsFor = (owner: string, over: Partial<DeployDeps> = {}): DeployDeps => ({
    registry,
    stores,
    outbox: deploys.outbox,
    jobs: deploys.jobs,
    sinks: sinksOf(registry, plugins),
    settings: { leaseMs: LEASE_MS, maxAttempts: 3, retry: DEFAULT_RETRY_POLICY },
    owner,
    newJobId: () => `job-${++jobs}`,
    ...over,
  });
  /**
   * A process over the shared stores. With a crash point it dies at that call: it and every
   * later call of any of its ports (stores, outbox, jobs, sinks) rejects with Crash.
   */
  function process(owner: string, crash?: CrashPoint) {
    const kill = new KillSwitch(crash);
    const wrappedStores: Stores = {
      raw: kill.wrap('raw', stores.raw),
      heads: kill.wrap('heads', stores.heads),
      changeSets: kill.wrap('changeSets', stores.changeSets),
      slices: kill.wrap('slices', stores.slices),
      index: kill.wrap('index', stores.index),
    };
    const outbox = kill.wrap('outbox', deploys.outbox);
    const sinks = sinksOf(registry, new Map([...plugins].map(([type, plugin]) => [type, kill.wrap('sink', plugin)])));
    const services = createDeployServices(depsFor(owner, { stores: wrappedStores, outbox, jobs: kill.wrap('jobs', deploys.jobs), sinks }));
    return { services, outbox, kill };
  }
  const api = process('api').services;
  const worker = process('worker');

  /** Claims and runs tasks until none is claimable now, settling each like the worker runtime. */
  async function work(proc: { services: ReturnType<typeof createDeployServices>; outbox: typeof deploys.outbox } = worker): Promise<ClaimedTask[]> {
    const ran: ClaimedTask[] = [];
    for (;;) {
      const claimed = await proc.outbox.claim('worker', 10, LEASE_MS);
      if (claimed.length === 0) return ran;
      for (const task of claimed) {
        ran.push(task);
        await runInline(proc.outbox, task, proc.services.handlers[task.task.type], { leaseMs: LEASE_MS, retry: DEFAULT_RETRY_POLICY });
      }
    }
  }

  /** Lets every lease expire and the reaper take the tasks back. */
  async function expireLeases(): Promise<void> {
    clock.advance(LEASE_MS + 1);
    await deploys.outbox.reap(100);
  }

  const view = (sku: string) => queryView(registry, stores, { tenantId: T, viewId: 'product-detail', entityId: sku });
  const head = (entityKey: string) => stores.heads.get(T, entityKey);
  return { registry, clock, stores, deploys, sink, webhook, plugins, api, worker, process, depsFor, work, expireLeases, view, head };
}

export type DeployWorld = ReturnType<typeof deployWorld>;
export type { InMemoryStores };
