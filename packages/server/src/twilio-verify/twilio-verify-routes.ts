import type { FastifyInstance } from 'fastify';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { ApiKeyService } from '../services/api-key-service.ts';
import type { VerificationService } from '../services/verification-service.ts';
import type { Storage } from '../storage/database.ts';
import type { Database } from '../storage/schema.ts';
import { accountOf, requireTwilioAccount } from './twilio-auth.ts';
import { invalidParameter, sendTwilioError } from './twilio-errors.ts';
import { pageMeta, serviceResource, verificationCheckResource, verificationResource } from './twilio-resources.ts';
import * as schemas from './twilio-schemas.ts';
import { createTwilioVerify } from './twilio-verify-service.ts';

export interface TwilioVerifyDeps {
  db: Kysely<Database>;
  /** Unused here: every response already leaves through the app's `durably` onSend hook. */
  durably: Storage['durably'];
  clock: Clock;
  verifications: VerificationService;
  apiKeys: ApiKeyService;
  logger: Logger;
  /** The public origin, for the `url` fields Twilio's resources carry. */
  publicUrl: () => string;
}

/** Twilio sends forms; repeated fields become arrays (none of the fields Passline reads repeats). */
function parseForm(body: string): Record<string, string | string[]> {
  const fields: Record<string, string | string[]> = {};
  for (const [name, value] of new URLSearchParams(body)) {
    const previous = fields[name];
    fields[name] = previous === undefined ? value : [...(Array.isArray(previous) ? previous : [previous]), value];
  }
  return fields;
}

/**
 * The Twilio Verify v2-compatible API under /v2: an app using Twilio's SDK points
 * `client.verify.baseUrl` here and keeps its code. Form bodies in, Twilio's JSON and error bodies
 * out; the form parser, the Basic auth and the error format stay inside this plugin.
 */
export function twilioVerifyRoutes(deps: TwilioVerifyDeps): FastifyPluginAsyncZod {
  const twilio = createTwilioVerify(deps);
  const base = () => deps.publicUrl().replace(/\/+$/, '');

  return async (root) => {
    await root.register(
      async (app: FastifyInstance) => {
        app.decorateRequest('twilioAccountSid', undefined);
        app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) =>
          done(null, parseForm(body as string)),
        );
        app.setErrorHandler((error, request, reply) => sendTwilioError(reply, request, error));
        app.setNotFoundHandler((request, reply) => sendTwilioError(reply, request, new AppError('route.not_found')));
        app.addHook('onRequest', requireTwilioAccount(deps.apiKeys));
        await app.register(routes);
      },
      { prefix: '/v2' },
    );
  };

  async function routes(untyped: FastifyInstance): Promise<void> {
    const app = untyped.withTypeProvider<import('fastify-type-provider-zod').ZodTypeProvider>();
    const hide = true; // Twilio's API, documented in docs/twilio-verify.md rather than in Passline's OpenAPI.

    app.post('/Services', { schema: { hide, body: schemas.createServiceBody } }, async (request, reply) => {
      const row = await twilio.createService(accountOf(request), {
        friendlyName: request.body.FriendlyName,
        codeLength: request.body.CodeLength,
      });
      return reply.status(201).send(serviceResource(row, base()));
    });

    app.get('/Services', { schema: { hide, querystring: schemas.listQuery } }, async (request) => {
      const { Page: page, PageSize: pageSize } = request.query;
      const { rows, hasNext } = await twilio.listServices(accountOf(request), page, pageSize);
      return {
        services: rows.map((row) => serviceResource(row, base())),
        meta: pageMeta({ key: 'services', listUrl: `${base()}/v2/Services`, page, pageSize, hasNext }),
      };
    });

    app.get('/Services/:ServiceSid', { schema: { hide, params: schemas.serviceParams } }, async (request) =>
      serviceResource(await twilio.getService(accountOf(request), request.params.ServiceSid), base()),
    );

    app.post(
      '/Services/:ServiceSid',
      { schema: { hide, params: schemas.serviceParams, body: schemas.updateServiceBody } },
      async (request) => {
        const row = await twilio.updateService(accountOf(request), request.params.ServiceSid, {
          friendlyName: request.body?.FriendlyName,
          codeLength: request.body?.CodeLength,
        });
        return serviceResource(row, base());
      },
    );

    app.delete('/Services/:ServiceSid', { schema: { hide, params: schemas.serviceParams } }, async (request, reply) => {
      await twilio.deleteService(accountOf(request), request.params.ServiceSid);
      return reply.status(204).send();
    });

    app.post(
      '/Services/:ServiceSid/Verifications',
      { schema: { hide, params: schemas.serviceParams, body: schemas.createVerificationBody } },
      async (request, reply) => {
        const body = request.body;
        // A custom code is checked by the app, not Passline; the code Passline sends it checks itself.
        if (body.CustomCode !== undefined) {
          throw invalidParameter('CustomCode', 'custom codes are not supported; Passline issues the code', 60204);
        }
        const accountSid = accountOf(request);
        const state = await twilio.start(accountSid, request.params.ServiceSid, {
          to: body.To,
          channel: body.Channel,
          locale: body.Locale,
          deviceIp: body.DeviceIp,
          source: request.principal?.keyId ?? 'twilio-verify',
        });
        return reply.status(201).send(verificationResource(state.row, accountSid, state.status, base()));
      },
    );

    app.get(
      '/Services/:ServiceSid/Verifications/:Sid',
      { schema: { hide, params: schemas.verificationParams } },
      async (request) => {
        const accountSid = accountOf(request);
        const state = await twilio.fetch(accountSid, request.params.ServiceSid, request.params.Sid);
        return verificationResource(state.row, accountSid, state.status, base());
      },
    );

    app.post(
      '/Services/:ServiceSid/Verifications/:Sid',
      { schema: { hide, params: schemas.verificationParams, body: schemas.updateVerificationBody } },
      async (request) => {
        const accountSid = accountOf(request);
        const { ServiceSid, Sid } = request.params;
        const state = await twilio.settle(accountSid, ServiceSid, Sid, request.body.Status);
        return verificationResource(state.row, accountSid, state.status, base());
      },
    );

    app.post(
      '/Services/:ServiceSid/VerificationCheck',
      { schema: { hide, params: schemas.serviceParams, body: schemas.verificationCheckBody } },
      async (request) => {
        const { Code, To, VerificationSid } = request.body;
        if (To === undefined && VerificationSid === undefined) {
          throw invalidParameter('To', 'either To or VerificationSid is required');
        }
        const accountSid = accountOf(request);
        const state = await twilio.check(accountSid, request.params.ServiceSid, {
          code: Code,
          ...(To === undefined ? {} : { to: To }),
          ...(VerificationSid === undefined ? {} : { verificationSid: VerificationSid }),
        });
        return verificationCheckResource(state.row, accountSid, state.status, deps.clock.now());
      },
    );
  }
}
