import { type IvmServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';

export function contractRoutes(app: FastifyInstance, services: IvmServices): void {
  app.get('/v1/contracts', { config: { summary: 'Loaded contracts', auth: 'any-tenant', responses: { 200: '[{kind, id, version}]' } } }, async () =>
    services.listContracts(),
  );
}
