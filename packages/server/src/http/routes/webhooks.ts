import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import type { ReceiptService } from '../../services/connectors/receipt-service.ts';

/** Bodies providers send receipts in; anything else is no provider's callback. */
const callbackTypes = ['application/json', 'application/x-www-form-urlencoded'];

/**
 * Delivery receipts from SMS providers (public: providers carry no API key; each callback is
 * authenticated by its connector's signature check or the secret in its URL). The body is kept
 * raw, as signatures are computed over what was sent, and the connector parses it.
 */
export function webhookRoutes(deps: { receipts: ReceiptService; publicUrl: () => string }): FastifyPluginAsyncZod {
  return async (app) => {
    // These parsers hold for this plugin's route only (Fastify scopes them to the plugin); the
    // app's 64 KiB body limit applies.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser(callbackTypes, { parseAs: 'string' }, (_request, body, done) => done(null, body));
    app.addContentTypeParser('*', (_request, _payload, done) =>
      done(
        new AppError(
          'request.unsupported_media_type',
          'Send the delivery receipt as application/json or application/x-www-form-urlencoded.',
        ),
      ),
    );

    app.post(
      '/api/webhooks/:factoryId/status',
      {
        schema: {
          tags: ['Webhooks'],
          summary: "A provider's delivery receipt (called by the SMS provider, not by you)",
          description:
            "Twilio calls it with the StatusCallback Passline sends with each message; for Aliyun and Tencent, paste the connector's `receiptUrl` into the provider console. Answers the provider's expected acknowledgement (Aliyun, Tencent) or 204; 403 `webhook.forbidden` (not authentic, nothing recorded), 404 `webhook.not_found`.",
          security: [],
          params: z.strictObject({ factoryId: z.string().min(1).max(100) }),
          querystring: z.object({
            connector: z.string().max(100).optional().describe('The connector the receipt is for.'),
            token: z.string().max(200).optional().describe('The connector secret, for providers that sign nothing.'),
          }),
        },
      },
      async (request, reply) => {
        const outcome = await deps.receipts.receive({
          factoryId: request.params.factoryId,
          connectorId: request.query.connector,
          token: request.query.token,
          request: {
            method: request.method,
            // What the provider called: the public origin and the path and query exactly as sent.
            url: `${deps.publicUrl()}${request.url}`,
            headers: headersOf(request.headers),
            body: typeof request.body === 'string' ? request.body : '',
          },
        });
        const acknowledgement = outcome.acknowledgement;
        if (!acknowledgement) return reply.code(204).send();
        return reply.code(acknowledgement.status).type(acknowledgement.contentType).send(acknowledgement.body);
      },
    );
  };
}

function headersOf(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) flat[name] = Array.isArray(value) ? value.join(', ') : value;
  return flat;
}
