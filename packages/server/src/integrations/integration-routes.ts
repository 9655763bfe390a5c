import { integrationSettingsPatchSchema, integrationSettingsSchema, relayResultSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import type { Clock } from '../clock.ts';
import type { KeyRing } from '../crypto/keys.ts';
import { AppError, isAppError } from '../errors.ts';
import { audit } from '../http/audit.ts';
import { requireScope } from '../http/auth.ts';
import { toAppError } from '../http/errors.ts';
import { authErrors, errorResponseSchema } from '../http/schemas.ts';
import type { ApiKeyService } from '../services/api-key-service.ts';
import type { VerificationService } from '../services/verification-service.ts';
import type { Database } from '../storage/schema.ts';
import { createIntegrationService, logtoSmsPath, supabaseSendSmsPath } from './integration-service.ts';
import { logtoSmsRequestSchema } from './logto-sms.ts';
import { hookErrorBody } from './supabase-hook.ts';

export interface IntegrationDeps {
  db: Kysely<Database>;
  clock: Clock;
  keys: KeyRing;
  verifications: Pick<VerificationService, 'relay'>;
  apiKeys: ApiKeyService;
  publicUrl: () => string;
}

const hookAnswerSchema = z
  .object({
    error: z
      .object({
        http_code: z.number(),
        message: z.string(),
        code: z.string(),
        details: z.record(z.string(), z.unknown()).optional(),
        requestId: z.string().optional(),
      })
      .optional(),
  })
  .describe('SupabaseHookAnswer');

/** Passline as the SMS backend of Logto (HTTP SMS connector) and Supabase Auth (Send SMS hook). */
export function integrationRoutes(deps: IntegrationDeps): FastifyPluginAsyncZod {
  const integrations = createIntegrationService(deps);
  return async (app) => {
    const admin = requireScope(deps.apiKeys, 'admin');

    app.get(
      '/api/settings/integrations',
      {
        onRequest: admin,
        schema: {
          tags: ['Management API'],
          summary: 'Integration settings (whether the Supabase hook secret is set, never the secret)',
          response: { 200: integrationSettingsSchema, ...authErrors },
        },
      },
      async () => integrations.settings(),
    );

    app.patch(
      '/api/settings/integrations',
      {
        onRequest: admin,
        schema: {
          tags: ['Management API'],
          summary: 'Set or clear the Supabase Send SMS hook secret',
          body: integrationSettingsPatchSchema,
          response: { 200: integrationSettingsSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => {
        const before = await integrations.settings();
        const after = await integrations.updateSettings(request.body);
        // The views say only whether a secret is set, never the secret.
        await audit(request, 'settings.update', { type: 'settings', id: 'integrations' }, { before, after });
        return after;
      },
    );

    app.post(
      logtoSmsPath,
      {
        onRequest: requireScope(deps.apiKeys, 'relay'),
        schema: {
          tags: ['Integrations'],
          summary: "Logto's HTTP SMS connector (called by Logto, with a relay key)",
          description:
            "Point the connector's Endpoint here and set its Authorization header to `Bearer <relay key>`. Delivers `payload.code` with the template of the usage `type` maps to (SignIn, Register, ForgotPassword; any other type uses Generic), through routing, protection, limits and the message log. Errors are Passline's usual error bodies, which Logto shows as the connector error.",
          body: logtoSmsRequestSchema,
          response: {
            200: relayResultSchema,
            400: errorResponseSchema,
            429: errorResponseSchema,
            502: errorResponseSchema,
            503: errorResponseSchema,
            ...authErrors,
          },
        },
      },
      async (request) => integrations.relayFromLogto(request.body, request.principal?.keyId ?? 'relay'),
    );

    // Its own scope: the body stays raw (the signature covers the exact bytes) and errors take the
    // shape Supabase reads.
    await app.register(async (hook) => {
      hook.removeAllContentTypeParsers();
      hook.addContentTypeParser('application/json', { parseAs: 'string' }, (_request, body, done) => done(null, body));
      hook.addContentTypeParser('*', (_request, _payload, done) =>
        done(new AppError('request.unsupported_media_type')),
      );
      // Problems with the call itself (signature, secret, body) answer their real status, which
      // Supabase reports as a hook failure.
      hook.setErrorHandler((error, request, reply) => {
        const appError = toAppError(error) ?? new AppError('internal.error');
        if (appError.status >= 500) request.log.error({ err: error }, appError.message);
        const requestId = appError.status >= 500 ? String(request.id) : undefined;
        return reply.status(appError.status).type('application/json').send(hookErrorBody(appError, requestId));
      });

      hook.post(
        supabaseSendSmsPath,
        {
          schema: {
            tags: ['Integrations'],
            summary: "Supabase Auth's Send SMS hook (called by Supabase, signed with the hook secret)",
            description:
              'Verifies the Standard Webhooks signature with the hook secret set in Passline, then delivers `sms.otp` to `user.phone` with the Generic template. Answers 200 `{}` once sent. A refused or failed send (limits, protection, provider) answers 200 `{ "error": { "http_code", "message", "code" } }`, which Supabase passes on to the app with that status; a call that is not authentic or not well-formed answers its 4xx/5xx status with the same shape.',
            security: [],
            response: { 200: hookAnswerSchema, 400: hookAnswerSchema, 401: hookAnswerSchema, 503: hookAnswerSchema },
          },
        },
        async (request, reply) => {
          const rawBody = typeof request.body === 'string' ? request.body : '';
          const call = await integrations.verifySupabaseCall(rawBody, request.headers);
          try {
            await integrations.relayFromSupabase(call);
          } catch (error) {
            if (!isAppError(error)) throw error;
            // Supabase reads the error of a 200 answer and returns its http_code and message to the
            // app; a 429 or 503 status instead would make it retry the send, then hide the reason.
            if (error.status >= 500) request.log.warn({ err: error }, error.message);
            const requestId = error.status >= 500 ? String(request.id) : undefined;
            return reply.code(200).send(hookErrorBody(error, requestId));
          }
          return reply.code(200).send({});
        },
      );
    });
  };
}
