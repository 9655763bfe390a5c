import { accountSchema, phoneChangedSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from '../../http/schemas.ts';
import type { AccountService } from '../account-service.ts';
import type { EndUser, TokenService } from '../token-service.ts';
import { preferredLocale } from './accept-language.ts';
import {
  localeSchema,
  phoneInputSchema,
  sentCodeSchema,
  tokenSetSchema,
  userRoute,
  verificationIdSchema,
} from './schemas.ts';
import { requireUser } from './user-auth.ts';

/** The signed-in end user's own account (Bearer access token). */
export function accountRoutes(deps: {
  account: AccountService;
  tokens: TokenService;
  /** The issuer and audience of access tokens: PASSLINE_PUBLIC_URL. */
  issuer: () => string;
}): FastifyPluginAsyncZod {
  return async (app) => {
    app.decorateRequest('endUser', undefined);
    const onRequest = requireUser(deps.tokens, deps.issuer);
    const tags = ['Account API'];
    const endUserOf = (request: { endUser: EndUser | undefined }): EndUser => {
      if (!request.endUser) throw new Error('requireUser did not run');
      return request.endUser;
    };
    const reauthentication =
      'Needs a recent authentication (a code or the password within the last 5 minutes, a refresh does not count): else `account.reauthentication_required` (403); re-authenticate with POST /api/account/reauthentication.';

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
      async (request) => deps.account.get(endUserOf(request).id),
    );

    app.post(
      '/api/account/phone/verification-code',
      {
        onRequest,
        schema: {
          ...userRoute,
          tags,
          summary: 'Send a code (Generic template) to a number to link to this account',
          description: reauthentication,
          body: z.strictObject({ phone: phoneInputSchema, locale: localeSchema }),
          response: {
            200: sentCodeSchema,
            400: errorResponseSchema,
            401: errorResponseSchema,
            403: errorResponseSchema,
            429: errorResponseSchema,
            503: errorResponseSchema,
          },
        },
      },
      async (request) =>
        deps.account.sendLinkCode(endUserOf(request), {
          ...request.body,
          locale: request.body.locale ?? preferredLocale(request.headers['accept-language']),
          ip: request.ip,
        }),
    );

    app.post(
      '/api/account/phone',
      {
        onRequest,
        schema: {
          ...userRoute,
          tags,
          summary: "Replace the account's phone number with the verified one",
          description: `${reauthentication} A number that belongs to another account is refused with \`account.phone_unavailable\`. Every other session of the account is signed out (its refresh tokens are revoked), and the old number gets an SMS notice (PhoneChanged template).`,
          body: z.strictObject({ verificationId: verificationIdSchema }),
          response: {
            200: phoneChangedSchema,
            400: errorResponseSchema,
            401: errorResponseSchema,
            403: errorResponseSchema,
            404: errorResponseSchema,
            409: errorResponseSchema,
            410: errorResponseSchema,
            429: errorResponseSchema,
          },
        },
      },
      async (request) => deps.account.linkPhone(endUserOf(request), request.body.verificationId),
    );

    app.post(
      '/api/account/reauthentication/verification-code',
      {
        onRequest,
        schema: {
          ...userRoute,
          tags,
          summary: "Send a code (SignIn template) to the account's current number, to re-authenticate",
          body: z.strictObject({ locale: localeSchema }),
          response: {
            200: sentCodeSchema,
            400: errorResponseSchema,
            401: errorResponseSchema,
            429: errorResponseSchema,
            503: errorResponseSchema,
          },
        },
      },
      async (request) =>
        deps.account.sendReauthenticationCode(endUserOf(request), {
          // The hosted account page sends no locale: the browser's language picks the template.
          locale: request.body.locale ?? preferredLocale(request.headers['accept-language']),
          ip: request.ip,
        }),
    );

    app.post(
      '/api/account/reauthentication',
      {
        onRequest,
        schema: {
          ...userRoute,
          tags,
          summary: 'Prove the signed-in user again: a verified code to the current number, or the password',
          description:
            'Returns a token set whose access token has `auth_time` now. The session stays the same (`sid`); the refresh token it had is spent. Password attempts count against the same limits as password sign-in.',
          body: z.union([
            z.strictObject({ verificationId: verificationIdSchema }),
            z.strictObject({ password: z.string().min(1).max(256) }),
          ]),
          response: {
            200: tokenSetSchema,
            400: errorResponseSchema,
            401: errorResponseSchema,
            403: errorResponseSchema,
            404: errorResponseSchema,
            409: errorResponseSchema,
            410: errorResponseSchema,
            429: errorResponseSchema,
          },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const input = 'password' in body ? { password: body.password, ip: request.ip } : body;
        const tokens = await deps.account.reauthenticate(endUserOf(request), input, deps.issuer());
        return reply.headers({ 'cache-control': 'no-store' }).send(tokens);
      },
    );
  };
}
