import { chmod, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDynalite, type EmbeddedDynamo } from '@ivm/adapters-dynamodb';
import { openEngines } from './open-engines';

const quiet = { info: () => undefined, warn: () => undefined };

describe('openEngines', () => {
  let root: string;
  let dynamo: EmbeddedDynamo;

  beforeAll(async () => {
    dynamo = await startDynalite();
    root = await mkdtemp(join(tmpdir(), 'ivm-engines-'));
    // What a checkout's directory looks like: others may traverse it (mkdtemp made it 0700).
    await chmod(root, 0o755);
  }, 60_000);
  afterAll(async () => {
    await dynamo.close();
    await rm(root, { recursive: true, force: true });
  });

  it('creates the data directory itself when only PostgreSQL is embedded (DYNAMODB_ENDPOINT set), so the embedded server can reach it', async () => {
    const dataDir = join(root, 'fresh', '.ivm-data');
    const engines = await openEngines(
      { dynamoEndpoint: dynamo.endpoint, awsRegion: 'us-east-1', tablePrefix: 'engines_', databaseUrl: undefined, dataDir, contractsDir: 'contracts' },
      { logger: quiet, applicationName: 'open-engines-spec', poolSize: 2 },
    );
    try {
      await engines.readiness();
      expect(engines.where.postgres).toBe(`embedded (${join(dataDir, 'postgres')})`);
      expect((await stat(join(dataDir, 'postgres'))).isDirectory()).toBe(true);
    } finally {
      await engines.close();
    }
  }, 120_000);
});
