import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has working defaults, with the dev key for tenant demo when no key is configured', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: '127.0.0.1',
      usingDevKey: true,
      contractsDir: 'contracts',
      dynamoEndpoint: undefined,
      tablePrefix: 'ivm_',
      dataDir: '.ivm-data',
      bodyLimitBytes: 1048576,
      logLevel: 'info',
    });
    expect([...config.apiKeys]).toEqual([['dev-key', 'demo']]);
  });

  it('reads every variable', () => {
    const config = loadConfig({
      PORT: '8080',
      HOST: '0.0.0.0',
      IVM_API_KEYS: 'k1:acme, k:2:globex',
      IVM_CONTRACTS_DIR: '/srv/contracts',
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      AWS_REGION: 'eu-west-1',
      IVM_TABLE_PREFIX: 'prod_',
      IVM_DATA_DIR: ':memory:',
      IVM_BODY_LIMIT_BYTES: '2048',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      port: 8080,
      host: '0.0.0.0',
      usingDevKey: false,
      dynamoEndpoint: 'http://localhost:8000',
      awsRegion: 'eu-west-1',
      tablePrefix: 'prod_',
      dataDir: ':memory:',
      bodyLimitBytes: 2048,
      logLevel: 'debug',
    });
    expect([...config.apiKeys]).toEqual([
      ['k1', 'acme'],
      ['k:2', 'globex'],
    ]);
  });

  it.each([
    ['PORT', 'abc'],
    ['PORT', '70000'],
    ['PORT', ''],
    ['IVM_API_KEYS', 'no-tenant'],
    ['IVM_API_KEYS', 'k:Bad Tenant'],
    ['IVM_API_KEYS', 'k:a,k:b'],
    ['DYNAMODB_ENDPOINT', 'localhost:8000'],
    ['IVM_TABLE_PREFIX', 'bad prefix'],
    ['IVM_BODY_LIMIT_BYTES', '0'],
    ['LOG_LEVEL', 'loud'],
  ])('refuses %s=%j naming the variable', (name, value) => {
    const error = (() => {
      try {
        loadConfig({ [name]: value });
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).variable).toBe(name);
    expect((error as ConfigError).message).toMatch(new RegExp(`^${name} `));
  });
});
