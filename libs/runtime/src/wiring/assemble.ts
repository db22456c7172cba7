import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { createDeployServices, createIvmServices, type DeployServices, type EnvLookup, type IvmServices } from '@ivm/application';
import { type ContractRegistry, DEFAULT_RETRY_POLICY, type DeployJobStore, type OutboxStore, retryPolicy, type RetryPolicy, type Stores } from '@ivm/domain';
import type { SinkConfig, TaskConfig, WorkerRuntimeConfig } from '../config';
import { workerSettings, type WorkerSettings } from '../worker';
import type { Registry } from 'prom-client';
import { createSinkMetrics } from './sink-metrics';
import { processSinks } from './sinks';

/** The retry policy of the configured backoff base (the cap grows with it, so a large base is not cut short). */
export function retryPolicyFor(task: Pick<TaskConfig, 'backoffBaseMs'>): RetryPolicy {
  return retryPolicy({ baseDelayMs: task.backoffBaseMs, maxDelayMs: Math.max(DEFAULT_RETRY_POLICY.maxDelayMs, task.backoffBaseMs) });
}

/** `role:host:pid:random`: unique per process, readable in a task's leaseOwner. */
export function processOwner(role: string): string {
  return `${role}:${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
}

/** Every use case of a process, over its engines: the API's services and the deploy services (whose handlers a worker runs). */
export interface ProcessServices {
  readonly services: IvmServices;
  readonly deploys: DeployServices;
  /** Closes what the services opened besides the engines (sink connections). */
  close(): Promise<void>;
}

/** Wires the use cases to the stores, the sinks this build ships with (configured from `env` and `sinks`) and the task settings. */
export function assembleServices(input: {
  readonly registry: ContractRegistry;
  readonly engines: { readonly stores: Stores; readonly outbox: OutboxStore; readonly jobs: DeployJobStore };
  readonly env: EnvLookup;
  readonly task: TaskConfig;
  readonly sinks: SinkConfig;
  readonly owner: string;
  /** Where the sink metrics go (the process's /metrics registry); none by default. */
  readonly metrics?: Registry;
}): ProcessServices {
  const { registry, engines, task } = input;
  const sinks = processSinks({ env: input.env, registry, config: input.sinks, ...(input.metrics ? { metrics: createSinkMetrics(input.metrics) } : {}) });
  const services = createIvmServices({ registry, stores: engines.stores, sinks: sinks.options });
  const deploys = createDeployServices({
    registry,
    stores: engines.stores,
    outbox: engines.outbox,
    jobs: engines.jobs,
    sinks: services.sinks,
    settings: { leaseMs: task.leaseMs, maxAttempts: task.maxAttempts, retry: retryPolicyFor(task) },
    owner: input.owner,
    newJobId: randomUUID,
  });
  return { services, deploys, close: () => sinks.close() };
}

/** The worker runtime's settings from the process configuration; `owner` names this process's leases. */
export function workerSettingsFrom(config: WorkerRuntimeConfig, owner: string): WorkerSettings {
  return workerSettings({
    owner,
    concurrency: config.concurrency,
    leaseMs: config.leaseMs,
    pollMs: config.pollMs,
    shutdownGraceMs: config.shutdownGraceMs,
    retentionMs: config.retentionMs,
    retry: retryPolicyFor(config),
  });
}
