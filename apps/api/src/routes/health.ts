import { type FastifyInstance } from 'fastify';
import { envelope } from '../errors';
import { errorAnswer, responseObject } from './schemas';

const status = (value: string) => responseObject({ status: { type: 'string', enum: [value] } });

/** Liveness (the process answers) and readiness (the stores answer). */
export function healthRoutes(app: FastifyInstance, readiness: () => Promise<void>): void {
  app.get(
    '/healthz',
    { schema: { response: { 200: status('ok') } }, config: { summary: 'Liveness', operationId: 'getHealth', responses: { 200: 'The process is up' } } },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: { response: { 200: status('ready'), 503: errorAnswer } },
      config: {
        summary: 'Readiness: the stores are reachable',
        operationId: 'getReadiness',
        responses: { 200: 'Ready', 503: 'A store is not reachable' },
      },
    },
    async (request, reply) => {
      try {
        await readiness();
        return { status: 'ready' };
      } catch (error) {
        request.log.warn({ err: error }, 'readiness check failed');
        return reply.code(503).send(envelope('NOT_READY', 'The stores are not reachable'));
      }
    },
  );
}
