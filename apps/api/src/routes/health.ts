import { type FastifyInstance } from 'fastify';
import { envelope } from '../errors';

/** Liveness (the process answers) and readiness (the stores answer). */
export function healthRoutes(app: FastifyInstance, readiness: () => Promise<void>): void {
  app.get('/healthz', { config: { summary: 'Liveness', responses: { 200: 'The process is up' } } }, async () => ({ status: 'ok' }));

  app.get(
    '/readyz',
    { config: { summary: 'Readiness: the stores are reachable', responses: { 200: 'Ready', 503: 'A store is not reachable' } } },
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
