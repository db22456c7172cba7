import { deployJobView, type DeployServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';
import { integerOut, jsonObject, responseObject, stringOut, tenantParam } from './schemas';

const states = { type: 'string', enum: ['QUEUED', 'RUNNING', 'READY', 'SINKING', 'DONE', 'FAILED'] } as const;
const taskError = responseObject({ code: stringOut, message: stringOut });

/** A deploy job as POST and GET deploys answer it (StoredDeployJob with its error, times in ISO-8601). */
export const deployAnswer = responseObject(
  {
    jobId: stringOut,
    state: states,
    compile: { type: 'string', enum: ['sync', 'async'] },
    ship: { ...jsonObject, type: ['object', 'null'], description: '{mode, sinks} or null (nothing shipped)' },
    cutover: { type: 'string', enum: ['ready', 'done'] },
    records: { type: 'array', items: responseObject({ entityKey: stringOut, version: integerOut }) },
    transitions: { type: 'array', items: responseObject({ state: states, at: { type: 'string', format: 'date-time' } }) },
    error: { ...taskError, description: 'Why the job failed (FAILED), or the error of a DEAD task holding it up (re-drive it)' },
    tasks: {
      type: 'array',
      description: 'The outbox tasks of the job',
      items: responseObject(
        { taskId: stringOut, type: { type: 'string', enum: ['COMPILE_TASK', 'SHIP_TASK'] }, status: stringOut, attempt: integerOut, lastError: taskError },
        ['lastError'],
      ),
    },
    createdAt: { type: 'string', format: 'date-time' },
  },
  ['error'],
);

const idempotencyKey = { type: 'string', minLength: 1, maxLength: 255, pattern: '^[\\x21-\\x7e]+$' } as const;

export function deployRoutes(app: FastifyInstance, deploys: DeployServices): void {
  app.post<{ Params: { tenant: string }; Body: unknown; Headers: { 'idempotency-key'?: string } }>(
    '/v1/tenants/:tenant/deploys',
    {
      schema: {
        params: { type: 'object', properties: { tenant: tenantParam } },
        headers: { type: 'object', properties: { 'idempotency-key': idempotencyKey } },
        body: {
          type: 'object',
          description:
            '{records: [{entityType, entityId, version, data} | {entityType, entityId, version, deleted: true}], compile: "sync"|"async", ship: {mode, sinks}|null, cutover: "ready"|"done"}',
        },
        response: { 200: deployAnswer, 202: deployAnswer },
      },
      config: {
        summary: 'Deploy records: ingest, compile, ship, cut over (Idempotency-Key makes a retry safe)',
        operationId: 'createDeploy',
        auth: 'tenant',
        responses: {
          200: 'the job once the request is done with it: READY, DONE or FAILED (compile sync), or a replay of a key',
          202: 'the job, accepted: QUEUED (compile async), or RUNNING when a transient failure or a compile of the same entity in flight handed the compile to a worker',
          400: 'INVALID_DEPLOY_REQUEST, ILLEGAL_DEPLOY_COMBINATION (compile async + ship sync)',
          404: 'UNKNOWN_ENTITY_TYPE, or NOT_FOUND (a deletion of nothing)',
          409: 'IDEMPOTENCY_KEY_REUSED, VERSION_CONFLICT, VERSION_REGRESSION',
          422: 'SCHEMA_VIOLATION, ENTITY_ID_MISMATCH, SINK_NOT_CONFIGURED',
        },
      },
    },
    async (request, reply) => {
      const key = request.headers['idempotency-key'];
      const result = await deploys.createDeploy({ tenantId: request.params.tenant, body: request.body, ...(key === undefined ? {} : { idempotencyKey: key }) });
      const running = result.job.state === 'QUEUED' || result.job.state === 'RUNNING';
      return reply.code(running ? 202 : 200).send(deployJobView(result.job));
    },
  );

  app.get<{ Params: { tenant: string; jobId: string } }>(
    '/v1/tenants/:tenant/deploys/:jobId',
    {
      schema: {
        params: { type: 'object', properties: { tenant: tenantParam, jobId: { type: 'string', minLength: 1, maxLength: 128 } } },
        response: { 200: deployAnswer },
      },
      config: {
        summary: 'Deploy status: state, transitions and tasks',
        operationId: 'getDeployStatus',
        auth: 'tenant',
        responses: { 200: '{jobId, state, compile, ship, cutover, records, transitions, error?, tasks, createdAt}', 404: 'NOT_FOUND' },
      },
    },
    async (request) => deployJobView(await deploys.deployStatus({ tenantId: request.params.tenant, jobId: request.params.jobId })),
  );
}
