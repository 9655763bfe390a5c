import {
  noContentSchema,
  revokedSessionsSchema,
  userDetailsSchema,
  userPageSchema,
  userSummarySchema,
} from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../../http/audit.ts';
import { requireScope } from '../../http/auth.ts';
import { authErrors, errorResponseSchema, idParamsSchema } from '../../http/schemas.ts';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import type { UserAdmin } from './user-admin-service.ts';

/** End users as admins manage them: list and search, details with sessions, suspend, delete. */
export function userAdminRoutes(deps: { userAdmin: UserAdmin; apiKeys: ApiKeyService }): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Users'];
    const notFound = { 404: errorResponseSchema };

    app.get(
      '/api/users',
      {
        onRequest,
        schema: {
          tags,
          summary: 'End users, newest first',
          querystring: z.strictObject({
            search: z
              .string()
              .max(100)
              .optional()
              .describe(
                'A user id (`usr_…`, exact), or digits of the number; spaces, dashes, dots and parentheses are ignored.',
              ),
            cursor: z.string().max(200).optional().describe('nextCursor from the previous page.'),
            limit: z.coerce.number().int().min(1).max(100).default(50),
          }),
          response: { 200: userPageSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => deps.userAdmin.list(request.query.search, request.query.cursor, request.query.limit),
    );

    app.get(
      '/api/users/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'A user and their signed-in sessions',
          params: idParamsSchema,
          response: { 200: userDetailsSchema, 400: errorResponseSchema, ...notFound, ...authErrors },
        },
      },
      async (request) => deps.userAdmin.get(request.params.id),
    );

    app.patch(
      '/api/users/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Suspend or reinstate a user',
          description: 'Suspending ends every session of the user, in Passline and in applications.',
          params: idParamsSchema,
          body: z.strictObject({ suspended: z.boolean() }),
          response: { 200: userSummarySchema, 400: errorResponseSchema, ...notFound, ...authErrors },
        },
      },
      async (request) => {
        const { id } = request.params;
        const before = await deps.userAdmin.get(id);
        const after = await deps.userAdmin.setSuspended(id, request.body.suspended);
        await audit(
          request,
          after.suspended ? 'user.suspend' : 'user.unsuspend',
          { type: 'user', id },
          {
            before: { suspended: before.suspended },
            after: { suspended: after.suspended },
          },
        );
        return after;
      },
    );

    app.delete(
      '/api/users/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Delete a user, after ending every session',
          params: idParamsSchema,
          response: { 204: noContentSchema, 400: errorResponseSchema, ...notFound, ...authErrors },
        },
      },
      async (request, reply) => {
        const { id } = request.params;
        const before = await deps.userAdmin.get(id);
        await deps.userAdmin.delete(id);
        // The phone number is personal data: the entry names the user by id and keeps no number.
        await audit(
          request,
          'user.delete',
          { type: 'user', id },
          {
            before: { suspended: before.suspended, createdAt: before.createdAt, sessions: before.sessions.length },
          },
        );
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/users/:id/sessions/revoke',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Sign a user out everywhere',
          description: 'Ends every session of the user; answers how many ended.',
          params: idParamsSchema,
          response: { 200: revokedSessionsSchema, 400: errorResponseSchema, ...notFound, ...authErrors },
        },
      },
      async (request) => {
        const revoked = await deps.userAdmin.revokeSessions(request.params.id);
        await audit(request, 'user.sessions_revoke', { type: 'user', id: request.params.id }, { after: revoked });
        return revoked;
      },
    );
  };
}
