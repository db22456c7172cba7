import { type Document, parseDocument, Scalar } from 'yaml';
import { checkRepo } from './check-repo';
import { COMPOSE_FILE } from './images';
import { failed } from './report';
import { repoAt } from './repo';

/*
 * The compose rules on the real docker/compose.yaml, then on copies broken in one way each
 * (edited through the YAML document, so anchors, quotes and comments elsewhere stay as written).
 */

const repo = repoAt();
const compose = repo.read(COMPOSE_FILE);

const RULES = {
  schema: 'compose-spec schema',
  dclint: 'dclint rules (ports, names, version field)',
  images: 'every image pinned; ours by the required IVM_IMAGE_TAG, never latest',
  health: 'every service has a health check (one-shots say disable: true)',
  dependsOn: 'depends_on: long form with conditions, on everything a service reaches',
  settings: 'api, worker and bootstrap settings: what the apps require, and valid',
  shutdown: 'graceful shutdown: init, and time for the workers to finish their tasks',
} as const;

/** The compose checks that fail once `edit` changed the file: rule → problems. */
function failing(edit: (doc: Document) => void): Record<string, readonly string[]> {
  const doc = parseDocument(compose, { merge: true });
  edit(doc);
  const text = doc.toString();
  expect(text).not.toBe(compose);
  return Object.fromEntries(
    failed(checkRepo(repo, { [COMPOSE_FILE]: text }))
      .filter((c) => c.subject === COMPOSE_FILE)
      .map((c) => [c.rule, c.problems]),
  );
}

const quoted = (value: string) => Object.assign(new Scalar(value), { type: Scalar.QUOTE_SINGLE });

describe('docker/compose.yaml as committed', () => {
  it('passes every compose check', () => {
    expect(failed(checkRepo(repo)).filter((c) => c.subject === COMPOSE_FILE)).toEqual([]);
  });
});

describe('compose rules catch a broken compose file', () => {
  it('schema: a key compose does not know (dclint stops at the schema error too)', () => {
    expect(failing((doc) => doc.setIn(['services', 'api', 'restart_policy'], 'always'))).toEqual({
      [RULES.schema]: ['/services/api: must NOT have additional properties (restart_policy)'],
      [RULES.dclint]: [expect.stringContaining('must NOT have additional properties')],
    });
  });

  it('dclint: a port published on every interface', () => {
    expect(failing((doc) => doc.setIn(['services', 'api', 'ports'], doc.createNode([quoted('3000:3000')])))).toEqual({
      [RULES.dclint]: [expect.stringContaining('(no-unbound-port-interfaces)')],
    });
  });

  it.each([
    ['postgres', 'postgres:latest', 'postgres: image postgres:latest: the tag must name one release'],
    ['postgres', 'postgres', 'postgres: image postgres has no tag (that is latest)'],
    ['opensearch', 'opensearchproject/opensearch:2', 'opensearch: image opensearchproject/opensearch:2: the tag must name one release'],
    ['dynamodb', 'amazon/dynamodb-local:${DYNAMO_TAG:-2.6.1}', 'dynamodb: image amazon/dynamodb-local:${DYNAMO_TAG:-2.6.1} uses a variable'],
    ['api', 'ivm-api:latest', 'api: image ivm-api:latest: the tag must be ${NAME:?message} alone'],
    ['api', 'ivm-api:${IVM_IMAGE_TAG:-latest}', 'api: image ivm-api:${IVM_IMAGE_TAG:-latest}: the tag must be ${NAME:?message} alone'],
    ['api', 'ivm-api:${IVM_API_TAG:?build first}', 'our images are tagged by different variables (IVM_API_TAG, IVM_IMAGE_TAG)'],
  ])('images: %s as %s', (service, image, problem) => {
    expect(failing((doc) => doc.setIn(['services', service, 'image'], image))).toEqual({ [RULES.images]: [expect.stringContaining(problem)] });
  });

  it('health: a service without a health check, and what waits for it to be healthy', () => {
    expect(failing((doc) => doc.deleteIn(['services', 'postgres', 'healthcheck']))).toEqual({
      [RULES.health]: ['postgres: no healthcheck (and its image has no HEALTHCHECK)'],
      [RULES.dependsOn]: [
        'bootstrap → postgres: service_healthy, but postgres has no health check',
        'api → postgres: service_healthy, but postgres has no health check',
        'worker-1 → postgres: service_healthy, but postgres has no health check',
        'worker-2 → postgres: service_healthy, but postgres has no health check',
      ],
    });
  });

  it('health: turned off on a long-running service', () => {
    const result = failing((doc) => doc.setIn(['services', 'opensearch', 'healthcheck'], doc.createNode({ disable: true })));
    expect(result[RULES.health]).toEqual([expect.stringMatching(/^opensearch: its health check is off, which only a one-shot may do/)]);
  });

  it('depends_on: the short list form', () => {
    expect(failing((doc) => doc.setIn(['services', 'api', 'depends_on'], doc.createNode(['bootstrap', 'dynamodb', 'postgres', 'opensearch'])))).toEqual({
      [RULES.dependsOn]: [
        'api: depends_on is a list; use the long form with a condition for each service',
        'api → bootstrap: no condition',
        'api → dynamodb: no condition',
        'api → postgres: no condition',
        'api → opensearch: no condition',
        'api: must depend on bootstrap with condition service_completed_successfully',
      ],
      // …and the bootstrap, no longer waited for to complete, has its health check off for nothing.
      [RULES.health]: [expect.stringMatching(/^bootstrap: its health check is off, which only a one-shot may do/)],
    });
  });

  it('depends_on: service_started on the bootstrap', () => {
    expect(failing((doc) => doc.setIn(['services', 'api', 'depends_on', 'bootstrap', 'condition'], 'service_started'))).toEqual({
      [RULES.dependsOn]: [
        'api → bootstrap: service_started only waits for the container; use service_healthy',
        'api: must depend on bootstrap with condition service_completed_successfully',
      ],
      [RULES.health]: [expect.stringMatching(/^bootstrap: its health check is off, which only a one-shot may do/)],
    });
  });

  it('depends_on: a worker that reaches OpenSearch without waiting for it', () => {
    const dependsOn = {
      bootstrap: { condition: 'service_completed_successfully' },
      dynamodb: { condition: 'service_healthy' },
      postgres: { condition: 'service_healthy' },
    };
    expect(failing((doc) => doc.setIn(['services', 'worker-1', 'depends_on'], doc.createNode(dependsOn)))).toEqual({
      [RULES.dependsOn]: ['worker-1: OPENSEARCH_URL points at opensearch, which it does not depend on'],
    });
  });

  it('depends_on: no bootstrap service at all', () => {
    const result = failing((doc) => {
      doc.deleteIn(['services', 'bootstrap']);
      for (const service of ['api', 'x-worker']) doc.deleteIn([...(service === 'api' ? ['services', 'api'] : ['x-worker']), 'depends_on', 'bootstrap']);
    });
    expect(result).toEqual({ [RULES.dependsOn]: ['no bootstrap service (the api image with command ["bootstrap"]) runs before the api and the workers'] });
  });

  it('settings: DATABASE_URL missing everywhere', () => {
    expect(failing((doc) => doc.deleteIn(['x-engines', 'DATABASE_URL']))).toEqual({
      [RULES.settings]: [
        'bootstrap: DATABASE_URL not set: the bootstrap refuses to start without it',
        'api: DATABASE_URL not set: the api refuses to start without it',
        'worker-1: DATABASE_URL not set: the worker refuses to start without it',
        'worker-2: DATABASE_URL not set: the worker refuses to start without it',
      ],
    });
  });

  it('settings: invalid values, as the apps would refuse them', () => {
    expect(failing((doc) => doc.setIn(['services', 'api', 'environment', 'IVM_WORKER_CONCURRENCY'], quoted('0')))).toEqual({
      [RULES.settings]: ['api: invalid setting: IVM_WORKER_CONCURRENCY must be an integer from 1 to 1024, got "0"'],
    });
    expect(failing((doc) => doc.setIn(['services', 'api', 'environment', 'LOG_LEVEL'], 'verbose'))).toEqual({
      [RULES.settings]: ['api: invalid setting: LOG_LEVEL must be one of fatal, error, warn, info, debug, trace, silent, got "verbose"'],
    });
    expect(failing((doc) => doc.setIn(['services', 'api', 'environment', 'LOG_LEVEL'], '${LOG_LEVEL}'))).toEqual({
      [RULES.settings]: ['api: LOG_LEVEL would be empty (set but blank stops the process)'],
    });
  });

  it('settings: DynamoDB Local without keys for the AWS SDK', () => {
    expect(failing((doc) => doc.deleteIn(['x-engines', 'AWS_SECRET_ACCESS_KEY']))[RULES.settings]).toEqual([
      'bootstrap: AWS_SECRET_ACCESS_KEY not set: the AWS SDK finds no credentials for DynamoDB at dynamodb',
      'api: AWS_SECRET_ACCESS_KEY not set: the AWS SDK finds no credentials for DynamoDB at dynamodb',
      'worker-1: AWS_SECRET_ACCESS_KEY not set: the AWS SDK finds no credentials for DynamoDB at dynamodb',
      'worker-2: AWS_SECRET_ACCESS_KEY not set: the AWS SDK finds no credentials for DynamoDB at dynamodb',
    ]);
  });

  it('settings: no OPENSEARCH_URL for the api and the workers', () => {
    expect(failing((doc) => doc.deleteIn(['x-app-environment', 'OPENSEARCH_URL']))).toEqual({
      [RULES.settings]: [
        'api: OPENSEARCH_URL not set: the opensearch sinks would stay unconfigured',
        'worker-1: OPENSEARCH_URL not set: the opensearch sinks would stay unconfigured',
        'worker-2: OPENSEARCH_URL not set: the opensearch sinks would stay unconfigured',
      ],
    });
  });

  it('settings: a published port the process cannot be reached on', () => {
    expect(failing((doc) => doc.setIn(['services', 'api', 'environment', 'HOST'], '127.0.0.1'))).toEqual({
      [RULES.settings]: ['api: HOST=127.0.0.1: its published ports cannot reach it (use 0.0.0.0)'],
    });
    expect(failing((doc) => doc.setIn(['services', 'worker-2', 'ports'], doc.createNode([quoted('127.0.0.1:3002:3002')])))).toEqual({
      [RULES.settings]: ['worker-2: publishes container port 3002, but it listens on WORKER_PORT=3001'],
    });
  });

  it('settings: a command the image does not have', () => {
    expect(failing((doc) => doc.setIn(['services', 'api', 'command'], doc.createNode(['start'])))).toEqual({
      [RULES.settings]: ['api: command ["start"] is none of the image\'s: ["api"] or ["bootstrap"]'],
    });
  });

  it('shutdown: no init, and a stop grace period shorter than the worker shutdown grace', () => {
    expect(failing((doc) => doc.setIn(['services', 'api', 'init'], false))).toEqual({
      [RULES.shutdown]: ['api: init: true (an init as PID 1 forwards SIGTERM and reaps children)'],
    });
    expect(failing((doc) => doc.setIn(['services', 'worker-1', 'stop_grace_period'], '10s'))).toEqual({
      [RULES.shutdown]: [
        'worker-1: stop_grace_period is 10000 ms, not more than IVM_WORKER_SHUTDOWN_GRACE_MS (10000 ms): Docker would kill it before it releases its tasks',
      ],
    });
  });
});
