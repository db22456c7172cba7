import { type ContractRegistry, type ContractSummary, type SinkAvailability } from '@ivm/domain';
import { type SinkDirectory } from './sinks/sink-directory';

/** A loaded contract as `GET /v1/contracts` lists it: a sink also says whether this process can ship to it. */
export type ContractListing = ContractSummary | (ContractSummary & SinkAvailability);

/** `[{kind, id, version}]` of every loaded contract (sorted by kind then id), each sink with its availability. */
export function listContractsUseCase(registry: ContractRegistry, sinks: SinkDirectory) {
  return (): ContractListing[] => registry.list().map((c) => (c.kind === 'Sink' ? { ...c, ...sinks.availability(c.id) } : c));
}
