import { ConfigError, loadWorkerConfig } from './config';

const required = { DATABASE_URL: 'postgres://ivm:secret@127.0.0.1:5432/ivm', DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000' };

function problem(env: Record<string, string>): ConfigError {
  try {
    loadWorkerConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('worker configuration', () => {
  it('refuses to start without DYNAMODB_ENDPOINT and DATABASE_URL, naming what is missing', () => {
    expect(problem({}).variable).toBe('DYNAMODB_ENDPOINT and DATABASE_URL');
    expect(problem({ DATABASE_URL: required.DATABASE_URL }).variable).toBe('DYNAMODB_ENDPOINT');
    expect(problem({ DYNAMODB_ENDPOINT: required.DYNAMODB_ENDPOINT }).message).toMatch(/^DATABASE_URL is required/);
  });

  it('has defaults for everything else', () => {
    expect(loadWorkerConfig(required)).toMatchObject({
      concurrency: 8,
      maxAttempts: 10,
      backoffBaseMs: 1_000,
      leaseMs: 30_000,
      pollMs: 1_000,
      shutdownGraceMs: 10_000,
      port: 3001,
      logLevel: 'info',
    });
  });

  it.each([
    ['IVM_WORKER_CONCURRENCY', '0'],
    ['IVM_WORKER_CONCURRENCY', 'eight'],
    ['IVM_TASK_MAX_ATTEMPTS', '-1'],
    ['IVM_TASK_BACKOFF_BASE_MS', '1.5'],
    ['IVM_TASK_LEASE_MS', '10'],
    ['IVM_WORKER_POLL_MS', ''],
    ['IVM_WORKER_SHUTDOWN_GRACE_MS', 'soon'],
    ['WORKER_PORT', '70000'],
    ['LOG_LEVEL', 'loud'],
    ['DYNAMODB_ENDPOINT', 'localhost:8000'],
    ['DATABASE_URL', 'mysql://x@y/z'],
  ])('names %s when it is wrong (%j)', (variable, value) => {
    expect(problem({ ...required, [variable]: value }).variable).toBe(variable);
  });

  it('never echoes the database URL, which carries a password', () => {
    expect(problem({ ...required, DATABASE_URL: 'http://ivm:secret@db' }).message).not.toMatch(/secret/);
  });

  it('reads every setting', () => {
    const config = loadWorkerConfig({
      ...required,
      IVM_WORKER_CONCURRENCY: '3',
      IVM_TASK_MAX_ATTEMPTS: '4',
      IVM_TASK_BACKOFF_BASE_MS: '250',
      IVM_TASK_LEASE_MS: '2000',
      IVM_WORKER_POLL_MS: '50',
      IVM_WORKER_SHUTDOWN_GRACE_MS: '0',
      WORKER_PORT: '0',
      LOG_LEVEL: 'warn',
    });
    expect(config).toMatchObject({
      concurrency: 3,
      maxAttempts: 4,
      backoffBaseMs: 250,
      leaseMs: 2_000,
      pollMs: 50,
      shutdownGraceMs: 0,
      port: 0,
      logLevel: 'warn',
    });
  });
});
