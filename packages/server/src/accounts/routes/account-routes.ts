import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from '../../http/schemas.ts';
import type { AccountService } from '../account-service.ts';
import type { TokenService } from '../token-service.ts';
import { localeSchema, phoneInputSchema, sentCodeSchema, userRoute, verificationIdSchema } from './schemas.ts';
import { requireUser } from './user-auth.ts';

const accountSchema = z
  .object({
    id: z.string(),
    phone: z.string(),
    hasPassword: z.boolean(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .describe('Account');

/** The signed-in end user's own account (Bearer access token). */
export function accountRoutes(deps: {
  account: AccountService;
  tokens: TokenService;
  publicUrl?: string;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.decorateRequest('endUser', undefined);
    const onRequest = requireUser(deps.tokens, deps.publicUrl);
    const tags = ['Account API'];
    const userOf = (request: { endUser: { id: string } | undefined }) => {
      if (!request.endUser) throw new Error('requireUser did not run');
      return request.endUser.id;
    };

    app.get(
      '/api/account',
      {
        onRequest,
        schema: {
          ...userRoute,
          tags,
          summary: 'The signed-in user',
          response: { 200: accountSchema, 401: errorResponseSchema },
        },
      },
      async (request) => deps.account.get(userOf(request)),
    );

    app.post(
      '/api/account/phone/verification-code',
      {
        onRequest,
        schema: {
          ...userRoute,
          tags,
          summary: 'Send a code (Generic template) to a number to link to this account',
          body: z.strictObject({ phone: phoneInputSchema, locale: localeSchema }),
          response: {
            200: sentCodeSchema,
            400: errorResponseSchema,
            401: errorResponseSchema,
            429: errorResponseSchema,
            503: errorResponseSchema,
          },
        },
      },
      async (request) => deps.account.sendLinkCode(userOf(request), { ...request.body, ip: request.ip }),
    );

    app.post(
      '/api/account/phone',
      {
        onRequest,
        schema: {
          ...userRoute,
          tags,
          summary: "Replace the account's phone number with the verified one",
          description: 'A number that belongs to another account is refused with `account.phone_unavailable`.',
          body: z.strictObject({ verificationId: verificationIdSchema }),
          response: {
            200: z.object({ phone: z.string() }),
            400: errorResponseSchema,
            401: errorResponseSchema,
            404: errorResponseSchema,
            409: errorResponseSchema,
            410: errorResponseSchema,
            429: errorResponseSchema,
          },
        },
      },
      async (request) => deps.account.linkPhone(userOf(request), request.body.verificationId),
    );
  };
}
