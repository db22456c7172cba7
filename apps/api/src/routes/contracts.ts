import { type IvmServices } from '@ivm/application';
import { type FastifyInstance } from 'fastify';
import { booleanOut, responseObject, stringOut } from './schemas';

/** ContractListing (libs/application): every loaded contract; a sink also says whether this process can ship to it. */
const answer = {
  type: 'array',
  items: responseObject(
    {
      kind: stringOut,
      id: stringOut,
      version: stringOut,
      configured: { ...booleanOut, description: 'Sinks only: whether this process can ship to the sink' },
      reason: { ...stringOut, description: 'Unconfigured sinks: why' },
      missing: { ...stringOut, description: 'Unconfigured sinks: the environment variable to set' },
    },
    ['configured', 'reason', 'missing'],
  ),
} as const;

export function contractRoutes(app: FastifyInstance, services: IvmServices): void {
  app.get(
    '/v1/contracts',
    {
      schema: { response: { 200: answer } },
      config: {
        summary: 'Loaded contracts',
        operationId: 'listContracts',
        auth: 'any-tenant',
        responses: { 200: '[{kind, id, version}], sinks with {configured, reason?, missing?}' },
      },
    },
    async () => services.listContracts(),
  );
}
