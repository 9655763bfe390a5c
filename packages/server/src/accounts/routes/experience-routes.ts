import {
  type ChallengeDescription,
  challengeDescriptionSchema,
  noContentSchema,
  verifiedCodeSchema,
} from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { errorResponseSchema } from '../../http/schemas.ts';
import { type ExperienceService, experienceEvents } from '../experience-service.ts';
import { preferredLocale } from './accept-language.ts';
import {
  codeSchema,
  localeSchema,
  newPasswordSchema,
  phoneInputSchema,
  publicRoute,
  sentCodeSchema,
  tokenSetSchema,
  verificationIdSchema,
} from './schemas.ts';

const errors = {
  400: errorResponseSchema,
  403: errorResponseSchema,
  404: errorResponseSchema,
  409: errorResponseSchema,
  410: errorResponseSchema,
  429: errorResponseSchema,
} as const;

/** The public Experience API: what the hosted pages (and an app's own screens) call. */
export function experienceRoutes(deps: {
  experience: ExperienceService;
  /** The challenge protection asks for before a code is sent (see docs/protection.md). */
  describeChallenge: (clientIp: string) => Promise<ChallengeDescription>;
  /** The issuer and audience of access tokens: PASSLINE_PUBLIC_URL. */
  issuer: () => string;
}): FastifyPluginAsyncZod {
  return async (app) => {
    const tags = ['Experience API'];
    const noStore = { 'cache-control': 'no-store' };

    app.get(
      '/api/experience/challenge',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'The challenge to solve before asking for a code',
          description:
            'For `pow`, a fresh ALTCHA challenge (use it with the ALTCHA widget or altcha-lib); send its solution as `challenge` with the code request. For a CAPTCHA, the site key for its widget. `off`: nothing to solve. Whether a send needs the solution (always, or only under attack) is in the protection settings.',
          response: { 200: challengeDescriptionSchema, 429: errorResponseSchema },
        },
      },
      async (request, reply) => reply.headers(noStore).send(await deps.describeChallenge(request.ip)),
    );

    app.post(
      '/api/experience/verification-code',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'Send a code for an event (the template follows the event)',
          description:
            'Answers the same for registered and unregistered numbers. A SignIn or ForgotPassword code for a number that could not use it is not delivered.',
          body: z.strictObject({
            phone: phoneInputSchema,
            event: z.enum(experienceEvents),
            locale: localeSchema,
            challenge: z
              .string()
              .max(8192)
              .optional()
              .describe(
                'The solved challenge when protection asks for one: the ALTCHA payload (base64 JSON) or the CAPTCHA token. See GET /api/experience/challenge.',
              ),
          }),
          response: { 200: sentCodeSchema, ...errors, 503: errorResponseSchema },
        },
      },
      async (request) =>
        deps.experience.sendCode({
          ...request.body,
          // The hosted pages send no locale: the browser's language picks the template.
          locale: request.body.locale ?? preferredLocale(request.headers['accept-language']),
          ip: request.ip,
        }),
    );

    app.post(
      '/api/experience/verification-code/verify',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'Check the code of a verification',
          body: z.strictObject({ verificationId: verificationIdSchema, code: codeSchema }),
          response: { 200: verifiedCodeSchema, ...errors },
        },
      },
      async (request) => deps.experience.verifyCode(request.body),
    );

    app.post(
      '/api/experience/register',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'Create an account with a verified Register code',
          body: z.strictObject({ verificationId: verificationIdSchema, password: newPasswordSchema.optional() }),
          response: { 201: tokenSetSchema, ...errors },
        },
      },
      async (request, reply) =>
        reply
          .status(201)
          .headers(noStore)
          .send(await deps.experience.register(request.body, deps.issuer())),
    );

    app.post(
      '/api/experience/sign-in',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'Sign in with a verified SignIn code',
          description: 'With sign-up on, an unknown verified number gets a new account.',
          body: z.strictObject({ verificationId: verificationIdSchema }),
          response: { 200: tokenSetSchema, ...errors },
        },
      },
      async (request, reply) => reply.headers(noStore).send(await deps.experience.signIn(request.body, deps.issuer())),
    );

    app.post(
      '/api/experience/sign-in/password',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'Sign in with the phone number and password',
          description: 'Attempts are limited per number and per IP address, whether or not the account exists.',
          body: z.strictObject({ phone: phoneInputSchema, password: z.string().min(1).max(256) }),
          response: { 200: tokenSetSchema, ...errors, 401: errorResponseSchema },
        },
      },
      async (request, reply) =>
        reply
          .headers(noStore)
          .send(await deps.experience.signInWithPassword({ ...request.body, ip: request.ip }, deps.issuer())),
    );

    app.post(
      '/api/experience/reset-password',
      {
        schema: {
          ...publicRoute,
          tags,
          summary: 'Set a new password with a verified ForgotPassword code',
          description: 'Signs out every session of the account (its refresh tokens are revoked). Returns no tokens.',
          body: z.strictObject({ verificationId: verificationIdSchema, password: newPasswordSchema }),
          response: { 204: noContentSchema, ...errors },
        },
      },
      async (request, reply) => {
        await deps.experience.resetPassword(request.body);
        return reply.status(204).send(null);
      },
    );
  };
}
