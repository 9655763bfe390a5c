import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import { type VerificationService, verificationUsages } from '../../services/verification-service.ts';
import { requireScope } from '../auth.ts';
import { authErrors, errorResponseSchema, idParamsSchema } from '../schemas.ts';

const verificationSchema = z
  .object({
    id: z.string(),
    to: z.string().describe('The number, masked.'),
    usage: z.string(),
    status: z.enum(['pending', 'approved', 'expired', 'exhausted', 'cancelled']),
    expiresAt: z.string(),
    attempts: z
      .array(
        z.object({
          connectorId: z.string().nullable(),
          factoryId: z.string(),
          outcome: z.string().describe('`sent`, or the error kind of a failed try.'),
          latencyMs: z.number(),
          messageId: z.string().describe('The message-log id of this try.'),
        }),
      )
      .optional()
      .describe('Each connector the send tried, in order: more than one after a failover (POST only).'),
  })
  .describe('Verification');

export function verificationRoutes(deps: {
  verifications: VerificationService;
  apiKeys: ApiKeyService;
}): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'verify');
    const tags = ['Verification API'];

    app.post(
      '/api/verifications',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Send a verification code by SMS',
          body: z.strictObject({
            to: z.string().min(3).max(32).describe('Phone number in international format, e.g. +12015550123.'),
            usage: z.enum(verificationUsages).describe('Which template to use.'),
            locale: z.string().min(2).max(35).optional(),
            ip: z.union([z.ipv4(), z.ipv6()]).optional().describe("The end user's IP, for the per-IP send limit."),
          }),
          response: { 201: verificationSchema, 400: errorResponseSchema, 429: errorResponseSchema, ...authErrors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .send(await deps.verifications.send(request.body, { source: request.principal?.keyId ?? 'api' })),
    );

    app.post(
      '/api/verifications/:id/check',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Check a code',
          params: idParamsSchema,
          body: z.strictObject({ code: z.string().regex(/^\d{4,10}$/, 'a code is 4 to 10 digits') }),
          response: {
            200: z.object({ id: z.string(), status: z.literal('approved') }),
            400: errorResponseSchema,
            404: errorResponseSchema,
            409: errorResponseSchema,
            410: errorResponseSchema,
            429: errorResponseSchema,
            ...authErrors,
          },
        },
      },
      async (request) => deps.verifications.check(request.params.id, request.body.code),
    );

    app.get(
      '/api/verifications/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Read a verification',
          params: idParamsSchema,
          response: { 200: verificationSchema, 404: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => deps.verifications.get(request.params.id),
    );
  };
}
