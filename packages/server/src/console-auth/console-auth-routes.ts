import { consoleSessionSchema, noContentSchema, setupStatusSchema, signInPendingSchema } from '@passline/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireConsoleSession, sessionCookieName } from '../http/auth.ts';
import { errorResponseSchema } from '../http/schemas.ts';
import type { ApiKeyService } from '../services/api-key-service.ts';
import type { AdminAuthService, NewSession } from './console-auth-service.ts';
import { twoFactorRoutes } from './two-factor-routes.ts';

const credentials = {
  // Lengths are checked by the service, so the CLI and the console give the same messages.
  username: z.string().max(200),
  password: z.string().max(1000),
};

/**
 * The console's own sign-in: first-run setup, sign in, sign out, and "who am I" with the CSRF
 * token. Only these /api routes take no API key.
 */
export function adminAuthRoutes(deps: {
  adminAuth: AdminAuthService;
  /** For the security settings, which an admin API key may change too. */
  apiKeys?: ApiKeyService;
}): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['Console sign-in'];

    function setSessionCookie(request: FastifyRequest, reply: FastifyReply, created: NewSession) {
      reply.setCookie(sessionCookieName, created.token, {
        httpOnly: true,
        sameSite: 'strict',
        secure: request.protocol === 'https',
        path: '/',
        maxAge: Math.floor(deps.adminAuth.options.absoluteMs / 1000),
      });
    }

    app.get(
      '/api/admin/setup',
      {
        schema: {
          tags,
          summary: 'Whether the first admin still has to be created',
          security: [],
          response: { 200: setupStatusSchema },
        },
      },
      async () => ({ setupRequired: await deps.adminAuth.setupRequired() }),
    );

    app.post(
      '/api/admin/setup',
      {
        schema: {
          tags,
          summary: 'Create the first admin with the one-time setup token from the server log',
          security: [],
          body: z.strictObject({ setupToken: z.string().min(1).max(200), ...credentials }),
          response: {
            201: consoleSessionSchema,
            400: errorResponseSchema,
            403: errorResponseSchema,
            409: errorResponseSchema,
            429: errorResponseSchema,
          },
        },
      },
      async (request, reply) => {
        const created = await deps.adminAuth.completeSetup({ ...request.body, ip: request.ip });
        setSessionCookie(request, reply, created);
        return reply.status(201).send(created.session);
      },
    );

    app.post(
      '/api/admin/sign-in',
      {
        schema: {
          tags,
          summary:
            'Sign in to the console; sets the session cookie, or (202) asks for the second factor or its set-up first',
          security: [],
          body: z.strictObject(credentials),
          response: {
            200: consoleSessionSchema,
            202: signInPendingSchema,
            400: errorResponseSchema,
            401: errorResponseSchema,
            429: errorResponseSchema,
          },
        },
      },
      async (request, reply) => {
        const outcome = await deps.adminAuth.signIn({ ...request.body, ip: request.ip });
        if (outcome.kind === 'pending') return reply.status(202).send(outcome.pending);
        setSessionCookie(request, reply, outcome.created);
        return outcome.created.session;
      },
    );

    await app.register(twoFactorRoutes({ adminAuth: deps.adminAuth, apiKeys: deps.apiKeys, setSessionCookie }));

    app.get(
      '/api/admin/session',
      {
        schema: {
          tags,
          summary: 'The current console session and its CSRF token',
          security: [],
          response: { 200: consoleSessionSchema, 401: errorResponseSchema },
        },
      },
      async (request) => deps.adminAuth.view(await requireConsoleSession(deps.adminAuth, request)),
    );

    app.post(
      '/api/admin/sign-out',
      {
        schema: {
          tags,
          summary: 'End the console session (needs x-csrf-token)',
          security: [],
          response: { 204: noContentSchema, 401: errorResponseSchema, 403: errorResponseSchema },
        },
      },
      async (request, reply) => {
        const admin = await requireConsoleSession(deps.adminAuth, request);
        await deps.adminAuth.signOut(admin, request.ip);
        reply.clearCookie(sessionCookieName, { path: '/' });
        return reply.status(204).send(null);
      },
    );
  };
}
