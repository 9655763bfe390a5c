import { apiKeyScopes, apiKeysSchema, createdApiKeySchema, noContentSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import { requireScope } from '../auth.ts';
import { authErrors, errorResponseSchema, idParamsSchema } from '../schemas.ts';

/** API keys: list, create, revoke (Management API). */
export function apiKeyRoutes(deps: { apiKeys: ApiKeyService }): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Management API'];

    app.get(
      '/api/api-keys',
      {
        onRequest,
        schema: {
          tags,
          summary: 'List API keys (never the keys themselves)',
          response: { 200: apiKeysSchema, ...authErrors },
        },
      },
      async () => deps.apiKeys.list(),
    );

    app.post(
      '/api/api-keys',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Create an API key; the key is in this response only',
          body: z.strictObject({ name: z.string().trim().min(1).max(100), scope: z.enum(apiKeyScopes) }),
          response: { 201: createdApiKeySchema, ...authErrors },
        },
      },
      async (request, reply) => reply.status(201).send(await deps.apiKeys.create(request.body)),
    );

    app.delete(
      '/api/api-keys/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Revoke an API key',
          params: idParamsSchema,
          response: { 204: noContentSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request, reply) => {
        await deps.apiKeys.revoke(request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}
