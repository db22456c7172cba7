export { loadContractRegistry, readContractSources } from './load-contracts';
