import { type FastifyInstance } from 'fastify';
import { type ApiMetrics } from '../metrics';

// fastify's per-media-type form: the answer is text, which no JSON serializer touches.
const text = { content: { 'text/plain': { schema: { type: 'string', description: 'Prometheus text exposition format 0.0.4' } } } } as const;

export function metricsRoutes(app: FastifyInstance, metrics: ApiMetrics): void {
  app.get(
    '/metrics',
    {
      schema: { response: { 200: text } },
      config: { summary: 'Prometheus metrics (text exposition format)', operationId: 'getMetrics', responses: { 200: 'Prometheus text' } },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );
}
