import { apiKeyScopes, apiKeysSchema, createdApiKeySchema, noContentSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import { audit } from '../audit.ts';
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
      async (request, reply) => {
        const created = await deps.apiKeys.create(request.body);
        // The key itself is in this response only, never in the audit log.
        await audit(request, 'api_key.create', { type: 'api_key', id: created.apiKey.id }, { after: created.apiKey });
        return reply.status(201).send(created);
      },
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
        const { id } = request.params;
        const before = (await deps.apiKeys.list()).find((key) => key.id === id);
        await deps.apiKeys.revoke(id);
        const after = (await deps.apiKeys.list()).find((key) => key.id === id);
        await audit(request, 'api_key.revoke', { type: 'api_key', id }, { before, after });
        return reply.status(204).send(null);
      },
    );
  };
}
