/** The HTTP API: Fastify with TypeBox schemas, which are also its OpenAPI 3.1 description. */
import Fastify, { type FastifyInstance } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { Type } from '@sinclair/typebox';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { Context } from '../context.ts';
import { authenticate } from './auth.ts';
import { ErrorSchema, errorHandler } from './errors.ts';
import { intakeRoutes } from './routes/intake.ts';
import { noticeRoutes, verifyRoute } from './routes/notices.ts';
import { registryRoutes } from './routes/registry.ts';
import { vulnerabilityRoutes } from './routes/vulnerabilities.ts';

export interface ApiOptions {
  logger?: boolean | { level: string };
  /** Extra routes mounted by the shell that starts the server (e.g. the local command bridge). */
  extend?: (app: FastifyInstance) => Promise<void> | void;
}

export const API_PREFIX = '/api/v1';

export async function buildApi(context: Context, options: ApiOptions = {}): Promise<FastifyInstance> {
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: 1024 * 1024 * 1024 }).withTypeProvider<TypeBoxTypeProvider>();
  app.decorate('koppelDb', context.store.db);
  app.addSchema(ErrorSchema);
  app.setErrorHandler(errorHandler);
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Koppel API',
        version: '1',
        description: 'Couples threat information to the organisations it concerns. Authenticate with `Authorization: Bearer <token>` (`koppel token create --analyst`).',
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      security: [{ bearer: [] }],
    },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });
  app.get('/openapi.json', { schema: { hide: true } }, async () => app.swagger());
  app.get('/healthz', {
    schema: {
      tags: ['operations'],
      summary: 'Liveness and the store in use',
      security: [],
      response: { 200: Type.Object({ status: Type.Literal('ok'), store: Type.Union([Type.Literal('embedded'), Type.Literal('postgres')]) }) },
    },
  }, async () => {
    await context.store.db.selectNoFrom((eb) => eb.val(1).as('one')).execute();
    return { status: 'ok' as const, store: context.store.location.kind };
  });
  await app.register(async (api) => {
    api.addHook('onRequest', authenticate(context.store.db));
    await api.register(registryRoutes(context));
    await api.register(intakeRoutes(context));
    await api.register(noticeRoutes(context));
    await api.register(vulnerabilityRoutes(context));
  }, { prefix: API_PREFIX });
  await app.register(verifyRoute(context));
  await options.extend?.(app);
  return app;
}
