import {
  type ContractRegistry,
  InvalidDeployRequestError,
  type SinkAvailability,
  type SinkContract,
  SinkNotConfiguredError,
  type SinkPlugin,
  UnknownContractError,
} from '@ivm/domain';
import { guardSink, type SinkGuard } from './guarded-sink';
import { EMPTY_ENV, type EnvLookup, sinkUrl } from './sink-urls';

/** What a process can ship to: the sink plugins it was built with, and its environment. */
export interface SinkDirectoryOptions {
  /** At most one plugin per sink type. Default: none (every sink is unconfigured). */
  readonly plugins?: readonly SinkPlugin[];
  /** Default: an empty environment. */
  readonly env?: EnvLookup;
  /** Puts each configured sink behind its own circuit breaker (`guardSink`). Default: none (plugins are called as they are). */
  readonly guard?: SinkGuard;
}

/** A sink as this process sees it: a configured one has its plugin. */
type Entry = { readonly contract: SinkContract } & (
  | { readonly availability: { readonly configured: true }; readonly plugin: SinkPlugin }
  | { readonly availability: Extract<SinkAvailability, { configured: false }> }
);

/**
 * Which sink contracts this process can ship to, and with which plugin. A sink is configured when
 * a plugin serves its type and its endpoint is known (a webhook's URL, `OPENSEARCH_URL`). Worked
 * out once, at construction, so `GET /v1/contracts`, deploy validation and shipping agree for the
 * life of the process.
 */
export class SinkDirectory {
  private readonly entries = new Map<string, Entry>();

  /** @throws Error when two plugins serve one type (a wiring mistake) */
  constructor(registry: ContractRegistry, options: SinkDirectoryOptions = {}) {
    const plugins = new Map<string, SinkPlugin>();
    for (const plugin of options.plugins ?? []) {
      if (plugins.has(plugin.type)) throw new Error(`SinkDirectory: two plugins serve sink type "${plugin.type}"`);
      plugins.set(plugin.type, plugin);
    }
    const env = options.env ?? EMPTY_ENV;
    for (const sink of registry.contracts) {
      if (sink.kind !== 'Sink') continue;
      const plugin = plugins.get(sink.type);
      // The plugin first: without one, setting the variable would not help.
      if (!plugin) {
        this.entries.set(sink.id, { contract: sink, availability: { configured: false, reason: `no ${sink.type} plugin in this build` } });
        continue;
      }
      const url = sinkUrl(sink, env);
      const guarded = options.guard ? guardSink(sink.id, plugin, options.guard) : plugin;
      this.entries.set(
        sink.id,
        'url' in url
          ? { contract: sink, availability: { configured: true }, plugin: guarded }
          : { contract: sink, availability: { configured: false, ...url } },
      );
    }
  }

  /** Ids of every loaded sink contract, sorted. */
  ids(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Whether the sink can ship in this process, and if not why. @throws UnknownContractError */
  availability(sinkId: string): SinkAvailability {
    return this.entry(sinkId).availability;
  }

  /**
   * Checks the sinks a request names (`path` points at the list, e.g. `/ship/sinks`): every one must
   * be loaded, then configured.
   * @throws InvalidDeployRequestError (400) naming every unknown sink as `path/i`
   * @throws SinkNotConfiguredError (422) for the first unconfigured one, at `path/i`
   */
  require(sinkIds: readonly string[], path = '/ship/sinks'): void {
    const unknown = sinkIds.flatMap((id, i) => (this.entries.has(id) ? [] : [{ path: `${path}/${i}`, message: `no Sink contract "${id}" is loaded` }]));
    if (unknown.length > 0)
      throw new InvalidDeployRequestError(`unknown sink${unknown.length === 1 ? '' : 's'}: ${unknown.map((u) => u.message).join('; ')}`, unknown);
    sinkIds.forEach((id, i) => {
      const availability = this.availability(id);
      if (!availability.configured) throw new SinkNotConfiguredError(id, availability.reason, `${path}/${i}`);
    });
  }

  /**
   * The plugin that ships to a configured sink.
   * @throws UnknownContractError
   * @throws SinkNotConfiguredError when the sink is not configured in this process
   */
  plugin(sinkId: string): SinkPlugin {
    const entry = this.entry(sinkId);
    if ('plugin' in entry) return entry.plugin;
    throw new SinkNotConfiguredError(sinkId, entry.availability.reason);
  }

  /**
   * The contract and plugin of a configured sink, what shipping needs.
   * @throws UnknownContractError
   * @throws SinkNotConfiguredError when the sink is not configured in this process
   */
  resolve(sinkId: string): { readonly contract: SinkContract; readonly plugin: SinkPlugin } {
    return { contract: this.entry(sinkId).contract, plugin: this.plugin(sinkId) };
  }

  private entry(sinkId: string): Entry {
    const entry = this.entries.get(sinkId);
    if (!entry) throw new UnknownContractError('Sink', sinkId);
    return entry;
  }
}
