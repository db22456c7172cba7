import { type DeployServices, type IvmServices } from '@ivm/application';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { ApiKeyAuth } from './auth';
import { type ApiConfig } from './config';
import { envelope, toErrorAnswer } from './errors';
import { type ApiMetrics } from './metrics';
import { collectOpenApi } from './openapi';
import { changeSetRoutes } from './routes/changesets';
import { contractRoutes } from './routes/contracts';
import { deployRoutes } from './routes/deploys';
import { outboxRoutes } from './routes/outbox';
import { healthRoutes } from './routes/health';
import { metricsRoutes } from './routes/metrics';
import { rawRoutes } from './routes/raw';
import { sliceRoutes } from './routes/slices';
import { slicingRoutes } from './routes/slicing';
import { viewRoutes } from './routes/views';

export interface ServerDeps {
  readonly services: IvmServices;
  readonly config: Pick<ApiConfig, 'apiKeys' | 'bodyLimitBytes'> & Partial<Pick<ApiConfig, 'adminKeys'>>;
  /** A pino logger; none means silent (tests). */
  readonly logger?: FastifyBaseLogger;
  /** Resolves when the stores answer; throws otherwise (→ /readyz 503). */
  readonly readiness: () => Promise<void>;
  readonly metrics: ApiMetrics;
  /** Deploys and the admin outbox routes; absent, those routes are not served. */
  readonly deploys?: DeployServices;
}

/** Pure wiring: routes, auth, error envelope, metrics. Listening is the caller's business. */
export function buildServer(deps: ServerDeps): FastifyInstance {
  const app = Fastify({
    ...(deps.logger ? { loggerInstance: deps.logger } : { logger: false }),
    bodyLimit: deps.config.bodyLimitBytes,
    // Coercion off: `"version": "3"` in a body is a caller mistake, not a 3. allErrors: report every problem.
    ajv: { customOptions: { coerceTypes: false, allErrors: true, removeAdditional: false } },
    return503OnClosing: true,
  }) as unknown as FastifyInstance;
  // JSON only: fastify's default text/plain parser would turn a text body into a string document.
  app.removeContentTypeParser('text/plain');
  const auth = new ApiKeyAuth(deps.config.apiKeys, deps.config.adminKeys);
  const openApi = collectOpenApi(app, deps.services.registry);

  app.addHook('onRequest', async (request) => {
    auth.check(request, request.routeOptions.config.auth ?? 'none');
  });
  app.addHook('onResponse', async (request, reply) => {
    deps.metrics.observeRequest(request.method, request.routeOptions.url ?? 'unmatched', reply.statusCode, reply.elapsedTime / 1000);
  });

  app.setErrorHandler(async (error, request, reply) => {
    const answer = toErrorAnswer(error);
    if (answer.serverFault) request.log.error({ err: error }, 'request failed');
    return reply.code(answer.status).send(answer.body);
  });
  app.setNotFoundHandler(async (request, reply) =>
    reply.code(404).send(envelope('NOT_FOUND', `No route ${request.method} ${request.url.split('?')[0] ?? ''}`)),
  );

  healthRoutes(app, deps.readiness);
  metricsRoutes(app, deps.metrics);
  contractRoutes(app, deps.services);
  rawRoutes(app, deps.services);
  changeSetRoutes(app, deps.services);
  slicingRoutes(app, deps.services);
  sliceRoutes(app, deps.services);
  viewRoutes(app, deps.services);
  if (deps.deploys !== undefined) {
    deployRoutes(app, deps.deploys);
    outboxRoutes(app, deps.deploys);
  }
  app.get('/openapi.json', async () => openApi());
  // Built at boot: a contract the document cannot express fails the start, not the first GET.
  app.addHook('onReady', async () => {
    openApi();
  });
  return app;
}
