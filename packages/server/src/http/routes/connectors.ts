import {
  connectorSchema,
  connectorsSchema,
  factorySchema,
  factorySummariesSchema,
  noContentSchema,
  testSendResultSchema,
} from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import type { ConnectorService } from '../../services/connectors/connector-service.ts';
import { changedSecretFields, connectorSnapshot } from '../../services/connectors/connector-snapshot.ts';
import { audit } from '../audit.ts';
import { requireScope } from '../auth.ts';
import { authErrors, errorResponseSchema, idParamsSchema } from '../schemas.ts';

const configSchema = z.record(z.string(), z.unknown());

export function connectorRoutes(deps: {
  connectors: ConnectorService;
  apiKeys: ApiKeyService;
  /** Activating (or creating an active connector) makes it the default chain; deleting leaves every chain. */
  routing: { activated(connectorId: string): Promise<void>; removed(connectorId: string): Promise<void> };
}): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Management API'];
    const factoryParams = z.strictObject({ factoryId: z.string().min(1).max(100) });

    app.get(
      '/api/connector-factories',
      {
        onRequest,
        schema: {
          tags,
          summary: 'List connector types',
          response: { 200: factorySummariesSchema, ...authErrors },
        },
      },
      async () =>
        deps.connectors
          .listFactories()
          .map(({ id, type, name, description, logo }) => ({ id, type, name, description, logo })),
    );

    app.get(
      '/api/connector-factories/:factoryId',
      {
        onRequest,
        schema: {
          tags,
          summary: 'A connector type with its README and config JSON Schema',
          params: factoryParams,
          response: { 200: factorySchema, 404: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => deps.connectors.getFactory(request.params.factoryId),
    );

    app.post(
      '/api/connector-factories/:factoryId/test',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Send a test SMS with the Generic template through an unsaved config',
          description: 'Pass `connectorId` to test edits of a saved connector: masked secrets are then filled from it.',
          params: factoryParams,
          body: z.strictObject({
            to: z.string().min(3).max(32),
            config: configSchema,
            connectorId: z.string().optional(),
          }),
          response: {
            200: testSendResultSchema,
            400: errorResponseSchema,
            404: errorResponseSchema,
            429: errorResponseSchema,
            502: errorResponseSchema,
            504: errorResponseSchema,
            ...authErrors,
          },
        },
      },
      async (request) => deps.connectors.sendTest({ factoryId: request.params.factoryId, ...request.body }),
    );

    app.get(
      '/api/connectors',
      {
        onRequest,
        schema: {
          tags,
          summary: 'List configured connectors',
          response: { 200: connectorsSchema, ...authErrors },
        },
      },
      async () => deps.connectors.list(),
    );

    app.post(
      '/api/connectors',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Create a connector; it becomes the active one of its type',
          description: 'The previously active connector of the same type is deactivated and keeps its configuration.',
          body: z.strictObject({ factoryId: z.string().min(1).max(100), config: configSchema }),
          response: { 201: connectorSchema, 400: errorResponseSchema, 404: errorResponseSchema, ...authErrors },
        },
      },
      async (request, reply) => {
        const created = await deps.connectors.create(request.body);
        if (created.active && created.type === 'sms') await deps.routing.activated(created.id);
        await audit(
          request,
          'connector.create',
          { type: 'connector', id: created.id },
          {
            after: connectorSnapshot(created),
          },
        );
        return reply.status(201).send(created);
      },
    );

    app.get(
      '/api/connectors/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Read a connector',
          params: idParamsSchema,
          response: { 200: connectorSchema, 404: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => deps.connectors.get(request.params.id),
    );

    app.patch(
      '/api/connectors/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: "Change a connector's config",
          description: 'Fields given replace the stored ones; a secret sent back as the mask keeps its stored value.',
          params: idParamsSchema,
          body: z.strictObject({ config: configSchema }),
          response: { 200: connectorSchema, 400: errorResponseSchema, 404: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => {
        const before = await deps.connectors.get(request.params.id);
        const after = await deps.connectors.update(request.params.id, request.body);
        const secrets = changedSecretFields(
          deps.connectors.getFactory(after.factoryId).secretFields,
          request.body.config,
        );
        await audit(
          request,
          'connector.update',
          { type: 'connector', id: after.id },
          {
            before: connectorSnapshot(before),
            after: connectorSnapshot(after, secrets),
          },
        );
        return after;
      },
    );

    app.delete(
      '/api/connectors/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Delete a connector',
          params: idParamsSchema,
          response: { 204: noContentSchema, 404: errorResponseSchema, ...authErrors },
        },
      },
      async (request, reply) => {
        const before = await deps.connectors.get(request.params.id);
        await deps.connectors.remove(request.params.id);
        await deps.routing.removed(request.params.id);
        await audit(
          request,
          'connector.delete',
          { type: 'connector', id: before.id },
          {
            before: connectorSnapshot(before),
          },
        );
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/connectors/:id/activate',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Make a connector the active one of its type',
          params: idParamsSchema,
          response: { 200: connectorSchema, 404: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => {
        const before = await deps.connectors.get(request.params.id);
        const activated = await deps.connectors.activate(request.params.id);
        if (activated.type === 'sms') await deps.routing.activated(activated.id);
        await audit(
          request,
          'connector.activate',
          { type: 'connector', id: activated.id },
          {
            before: connectorSnapshot(before),
            after: connectorSnapshot(activated),
          },
        );
        return activated;
      },
    );
  };
}
