import {
  adminSecuritySettingsSchema,
  consoleSessionSchema,
  enrolledSessionSchema,
  noContentSchema,
  recoveryCodesSchema,
  twoFactorEnrolmentSchema,
  twoFactorStatusSchema,
} from '@passline/contracts';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { actorOf } from '../http/audit.ts';
import { requireConsoleSession, requireScope } from '../http/auth.ts';
import { errorResponseSchema } from '../http/schemas.ts';
import type { ApiKeyService } from '../services/api-key-service.ts';
import type { AdminAuthService, NewSession } from './console-auth-service.ts';

const pendingToken = z.string().min(1).max(200);
const code = z.string().min(1).max(40).describe('A 6-digit code from the authenticator app, or a recovery code.');
const proof = z.strictObject({
  code: code.optional(),
  password: z.string().max(1000).optional().describe('The password, instead of a code.'),
});

/**
 * Two-factor sign-in (docs/admin-security.md): the second step of sign-in, an admin's own set-up,
 * and the setting that requires it for every admin. An admin's own two-factor routes need a console
 * session: an API key has no admin behind it.
 */
export function twoFactorRoutes(deps: {
  adminAuth: AdminAuthService;
  apiKeys: ApiKeyService | undefined;
  setSessionCookie(request: FastifyRequest, reply: FastifyReply, created: NewSession): void;
}): FastifyPluginAsyncZod {
  const { adminAuth } = deps;
  return async (app) => {
    const tags = ['Console sign-in'];
    const errors = { 400: errorResponseSchema, 401: errorResponseSchema, 429: errorResponseSchema };
    const signedInErrors = { ...errors, 403: errorResponseSchema, 409: errorResponseSchema };
    const session = (request: FastifyRequest) => requireConsoleSession(adminAuth, request);
    // An admin's own second factor needs that admin: a console session, checked before the body is read.
    const sessionOnly = async (request: FastifyRequest) => {
      if (request.headers.authorization) {
        throw new AppError(
          'auth.insufficient_scope',
          "These routes change a console admin's own sign-in: use a console session, not an API key.",
        );
      }
      await session(request);
    };
    const signedIn = (request: FastifyRequest) => {
      const admin = request.admin;
      if (!admin) throw new AppError('auth.session_invalid');
      return { id: admin.adminId, username: admin.username };
    };

    app.post(
      '/api/admin/sign-in/second-factor',
      {
        schema: {
          tags,
          summary: 'Second sign-in step: a TOTP or recovery code for the pending token; sets the session cookie',
          security: [],
          body: z.strictObject({ pendingToken, code }),
          response: { 200: consoleSessionSchema, ...errors },
        },
      },
      async (request, reply) => {
        const created = await adminAuth.completeSecondFactor({ ...request.body, ip: request.ip });
        deps.setSessionCookie(request, reply, created);
        return created.session;
      },
    );

    app.post(
      '/api/admin/sign-in/enrolment',
      {
        schema: {
          tags,
          summary: 'Two-factor sign-in is required and not set up: start the set-up (QR code and secret)',
          security: [],
          body: z.strictObject({ pendingToken }),
          response: { 200: twoFactorEnrolmentSchema, ...errors, 409: errorResponseSchema },
        },
      },
      async (request) => adminAuth.startRequiredEnrolment(request.body),
    );

    app.post(
      '/api/admin/sign-in/enrolment/confirm',
      {
        schema: {
          tags,
          summary: 'Finish the required set-up with a first code: the session and the recovery codes (shown once)',
          security: [],
          body: z.strictObject({ pendingToken, code }),
          response: { 200: enrolledSessionSchema, ...errors, 409: errorResponseSchema },
        },
      },
      async (request, reply) => {
        const { session: created, recoveryCodes } = await adminAuth.confirmRequiredEnrolment({
          ...request.body,
          ip: request.ip,
        });
        deps.setSessionCookie(request, reply, created);
        return { session: created.session, recoveryCodes };
      },
    );

    app.get(
      '/api/admin/two-factor',
      {
        onRequest: sessionOnly,
        schema: {
          tags,
          summary: "The signed-in admin's two-factor state",
          security: [],
          response: { 200: twoFactorStatusSchema, 401: errorResponseSchema, 403: errorResponseSchema },
        },
      },
      async (request) => adminAuth.twoFactor.status(signedIn(request).id),
    );

    app.post(
      '/api/admin/two-factor/enrolment',
      {
        onRequest: sessionOnly,
        schema: {
          tags,
          summary: 'Start setting up two-factor sign-in: a new secret, its otpauth URI and QR code (not on yet)',
          security: [],
          response: { 200: twoFactorEnrolmentSchema, ...signedInErrors },
        },
      },
      async (request) => adminAuth.twoFactor.startEnrolment(signedIn(request)),
    );

    app.post(
      '/api/admin/two-factor/enrolment/confirm',
      {
        onRequest: sessionOnly,
        schema: {
          tags,
          summary: 'Turn two-factor sign-in on with a first code; returns the recovery codes once',
          security: [],
          body: z.strictObject({ code }),
          response: { 200: recoveryCodesSchema, ...signedInErrors },
        },
      },
      async (request) => {
        const admin = signedIn(request);
        return { recoveryCodes: await adminAuth.confirmEnrolment(admin, request.body.code, request.ip) };
      },
    );

    app.post(
      '/api/admin/two-factor/disable',
      {
        onRequest: sessionOnly,
        schema: {
          tags,
          summary: 'Turn two-factor sign-in off (needs a current code or the password)',
          security: [],
          body: proof,
          response: { 204: noContentSchema, ...signedInErrors },
        },
      },
      async (request, reply) => {
        await adminAuth.disable(signedIn(request), request.body, request.ip);
        return reply.status(204).send(null);
      },
    );

    app.post(
      '/api/admin/two-factor/recovery-codes',
      {
        onRequest: sessionOnly,
        schema: {
          tags,
          summary: 'Replace the recovery codes (needs a current code or the password); the old ones stop working',
          security: [],
          body: proof,
          response: { 200: recoveryCodesSchema, ...signedInErrors },
        },
      },
      async (request) => ({
        recoveryCodes: await adminAuth.regenerateRecoveryCodes(signedIn(request), request.body, request.ip),
      }),
    );

    // The setting is an administration change like any other: an admin API key may make it too.
    const onRequest = deps.apiKeys ? requireScope(deps.apiKeys, 'admin') : session;
    app.get(
      '/api/admin/security-settings',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Whether two-factor sign-in is required for every admin',
          response: { 200: adminSecuritySettingsSchema, 401: errorResponseSchema, 403: errorResponseSchema },
        },
      },
      async () => adminAuth.twoFactor.settings(),
    );
    app.patch(
      '/api/admin/security-settings',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Require two-factor sign-in for every admin (ends the sessions of admins without it)',
          body: z.strictObject({ requireTwoFactor: z.boolean().optional() }),
          response: { 200: adminSecuritySettingsSchema, ...signedInErrors },
        },
      },
      async (request) =>
        adminAuth.updateSecuritySettings(request.body, {
          actor: await actorOf(request),
          adminId: request.admin?.adminId,
          ip: request.ip,
        }),
    );
  };
}
