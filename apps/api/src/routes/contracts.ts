import { type IvmServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';
import { responseObject, stringOut } from './schemas';

/** ContractSummary (libs/domain) of every loaded contract. */
const answer = { type: 'array', items: responseObject({ kind: stringOut, id: stringOut, version: stringOut }) } as const;

export function contractRoutes(app: FastifyInstance, services: IvmServices): void {
  app.get(
    '/v1/contracts',
    { schema: { response: { 200: answer } }, config: { summary: 'Loaded contracts', auth: 'any-tenant', responses: { 200: '[{kind, id, version}]' } } },
    async () => services.listContracts(),
  );
}
