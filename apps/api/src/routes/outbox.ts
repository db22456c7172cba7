import { type DeployServices } from '@ivm/application';
import { TASK_STATUSES, type OutboxTask } from '@ivm/domain';
import { type FastifyInstance } from 'fastify';
import { integerOut, responseObject, stringOut } from './schemas';

const taskAnswer = responseObject(
  {
    taskId: stringOut,
    type: { type: 'string', enum: ['COMPILE_TASK', 'SHIP_TASK'] },
    status: { type: 'string', enum: [...TASK_STATUSES] },
    attempt: integerOut,
    maxAttempts: integerOut,
    jobId: stringOut,
    tenantId: stringOut,
    lastError: responseObject({ code: stringOut, message: stringOut }),
    createdAt: { type: 'string', format: 'date-time' },
    runAfter: { type: 'string', format: 'date-time' },
  },
  ['lastError'],
);

function taskBody(task: OutboxTask) {
  return {
    taskId: task.taskId,
    type: task.type,
    status: task.status,
    attempt: task.attempt,
    maxAttempts: task.maxAttempts,
    jobId: task.payload.jobId,
    tenantId: task.payload.tenantId,
    ...(task.lastError === null ? {} : { lastError: task.lastError }),
    createdAt: new Date(task.createdAt).toISOString(),
    runAfter: new Date(task.runAfter).toISOString(),
  };
}

export function outboxRoutes(app: FastifyInstance, deploys: DeployServices): void {
  app.get<{ Querystring: { status?: string; limit?: string } }>(
    '/v1/admin/outbox',
    {
      schema: {
        querystring: {
          type: 'object',
          additionalProperties: false,
          properties: { status: { type: 'string', enum: [...TASK_STATUSES] }, limit: { type: 'string', pattern: '^[1-9][0-9]{0,3}$' } },
        },
        response: { 200: responseObject({ tasks: { type: 'array', items: taskAnswer } }) },
      },
      config: {
        summary: 'Outbox tasks in one status (default DEAD), oldest first',
        operationId: 'listOutboxTasks',
        auth: 'admin',
        responses: {
          200: '{tasks: [{taskId, type, status, attempt, jobId, tenantId, lastError?, createdAt}]}',
          400: 'INVALID_DEPLOY_REQUEST (limit over 1000)',
        },
      },
    },
    async (request) => {
      const limit = request.query.limit === undefined ? undefined : Number(request.query.limit);
      const tasks = await deploys.listOutbox({ status: request.query.status ?? 'DEAD', ...(limit === undefined ? {} : { limit }) });
      return { tasks: tasks.map(taskBody) };
    },
  );

  app.post<{ Params: { taskId: string } }>(
    '/v1/admin/outbox/:taskId/redrive',
    {
      schema: {
        params: { type: 'object', properties: { taskId: { type: 'string', minLength: 1, maxLength: 128 } } },
        response: { 200: responseObject({ taskId: stringOut, status: { type: 'string', enum: ['PENDING'] } }) },
      },
      config: {
        summary: 'Re-drive a DEAD task: PENDING again with a fresh attempt budget',
        operationId: 'redriveOutboxTask',
        auth: 'admin',
        responses: { 200: '{taskId, status: "PENDING"}', 404: 'NOT_FOUND (unknown task)', 409: 'ILLEGAL_STATE_TRANSITION (the task is not DEAD)' },
      },
    },
    async (request) => {
      const task = await deploys.redriveTask(request.params.taskId);
      return { taskId: task.taskId, status: 'PENDING' as const };
    },
  );
}
