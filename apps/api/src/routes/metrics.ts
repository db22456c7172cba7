import { type FastifyInstance } from 'fastify';
import { type ApiMetrics } from '../metrics';

export function metricsRoutes(app: FastifyInstance, metrics: ApiMetrics): void {
  app.get(
    '/metrics',
    { config: { summary: 'Prometheus metrics (text exposition format)', responses: { 200: 'Prometheus text' } } },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}
