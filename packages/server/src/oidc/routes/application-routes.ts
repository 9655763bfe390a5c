import {
  applicationInputLimits,
  applicationListSchema,
  applicationSchema,
  applicationTypes,
  applicationWithSecretSchema,
  noContentSchema,
} from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../http/audit.ts';
import { requireScope } from '../../http/auth.ts';
import { authErrors, errorResponseSchema, idParamsSchema } from '../../http/schemas.ts';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import type { ApplicationService } from '../application-service.ts';
import type { ApplicationRow } from '../queries/applications.ts';

const uri = z
  .string()
  .trim()
  .min(1)
  .max(applicationInputLimits.uriLength)
  .refine((value) => URL.canParse(value), 'must be an absolute URL');
const uris = z.array(uri).max(applicationInputLimits.uris);
const name = z.string().trim().min(1).max(applicationInputLimits.name);

function view(row: ApplicationRow): z.infer<typeof applicationSchema> {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    redirectUris: JSON.parse(row.redirect_uris) as string[],
    postLogoutRedirectUris: JSON.parse(row.post_logout_redirect_uris) as string[],
    firstParty: row.first_party === 1,
    hasClientSecret: row.client_secret !== null,
    createdAt: new Date(Number(row.created_at)).toISOString(),
    updatedAt: new Date(Number(row.updated_at)).toISOString(),
  };
}

/** Applications (OpenID Connect clients): Management API. */
export function applicationRoutes(deps: {
  applications: ApplicationService;
  apiKeys: ApiKeyService;
  issuer: () => string;
}): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Applications'];
    const errors = { 400: errorResponseSchema, 404: errorResponseSchema, ...authErrors };

    app.get(
      '/api/applications',
      {
        onRequest,
        schema: {
          tags,
          summary: 'List applications, with the issuer and discovery URL their clients use',
          response: { 200: applicationListSchema, ...authErrors },
        },
      },
      async () => ({
        items: (await deps.applications.list()).map(view),
        issuer: deps.issuer(),
        discoveryUrl: `${deps.issuer()}/.well-known/openid-configuration`,
      }),
    );

    app.post(
      '/api/applications',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Create an application; a web application’s client secret is in this response only',
          body: z.strictObject({
            name,
            type: z.enum(applicationTypes),
            redirectUris: uris.min(1),
            postLogoutRedirectUris: uris.optional(),
            firstParty: z.boolean().optional(),
          }),
          response: { 201: applicationWithSecretSchema, ...errors },
        },
      },
      async (request, reply) => {
        const created = await deps.applications.create(request.body);
        // The view says whether a client secret exists; the secret itself is never recorded.
        await audit(
          request,
          'application.create',
          { type: 'application', id: created.row.id },
          {
            after: view(created.row),
          },
        );
        return reply.status(201).send({ ...view(created.row), clientSecret: created.clientSecret });
      },
    );

    app.get(
      '/api/applications/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'An application',
          params: idParamsSchema,
          response: { 200: applicationSchema, ...errors },
        },
      },
      async (request) => view(await deps.applications.get(request.params.id)),
    );

    app.patch(
      '/api/applications/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Change an application’s name, URIs or first-party flag (its type cannot change)',
          params: idParamsSchema,
          body: z.strictObject({
            name: name.optional(),
            redirectUris: uris.min(1).optional(),
            postLogoutRedirectUris: uris.optional(),
            firstParty: z.boolean().optional(),
          }),
          response: { 200: applicationSchema, ...errors },
        },
      },
      async (request) => {
        const before = view(await deps.applications.get(request.params.id));
        const after = view(await deps.applications.update(request.params.id, request.body));
        await audit(request, 'application.update', { type: 'application', id: after.id }, { before, after });
        return after;
      },
    );

    app.delete(
      '/api/applications/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Delete an application; its sign-ins, grants and tokens end',
          params: idParamsSchema,
          response: { 204: noContentSchema, ...errors },
        },
      },
      async (request, reply) => {
        const before = view(await deps.applications.get(request.params.id));
        await deps.applications.delete(request.params.id);
        await audit(request, 'application.delete', { type: 'application', id: before.id }, { before });
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/applications/:id/secret',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Replace a web application’s client secret; the new one is in this response only',
          params: idParamsSchema,
          response: { 200: applicationWithSecretSchema, ...errors },
        },
      },
      async (request) => {
        const rotated = await deps.applications.rotateSecret(request.params.id);
        await audit(request, 'application.secret_rotate', { type: 'application', id: rotated.row.id });
        return { ...view(rotated.row), clientSecret: rotated.clientSecret };
      },
    );
  };
}
