export { loadContractRegistry, readContractSources } from './load-contracts';
export { type ContractSource, parseContractSource } from './parse-contracts';
