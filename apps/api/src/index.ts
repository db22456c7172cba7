// For in-process embedding (benchmarks, tests); the process itself is main.ts.
export { buildServer, type ServerDeps } from './server';
export { type ApiConfig, ConfigError, loadConfig } from './config';
export { type ApiMetrics, createMetrics } from './metrics';
export { envelope, STATUS_BY_CODE, toErrorAnswer } from './errors';
