import {
  apiKeyScopes,
  apiKeysSchema,
  createdApiKeySchema,
  devOutboxSchema,
  loggedConnectorsSchema,
  messagePageSchema,
  noContentSchema,
  verificationSettingsSchema,
} from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../../errors.ts';
import { normalisePhone } from '../../phone.ts';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import { type SettingsService, verificationSettingsPatchSchema } from '../../services/settings-service.ts';
import { listDevOutbox, listDevOutboxByPhone } from '../../storage/queries/dev-outbox.ts';
import { listLoggedConnectors, listMessages } from '../../storage/queries/messages.ts';
import type { Database } from '../../storage/schema.ts';
import { requireScope } from '../auth.ts';
import { authErrors, errorResponseSchema, idParamsSchema } from '../schemas.ts';

/** Settings, the message log, the dev outbox and API keys: everything else an admin manages. */
export function adminRoutes(deps: {
  db: Kysely<Database>;
  settings: SettingsService;
  apiKeys: ApiKeyService;
}): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Management API'];

    app.get(
      '/api/settings/verification',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Verification settings',
          response: { 200: verificationSettingsSchema, ...authErrors },
        },
      },
      async () => deps.settings.getVerificationSettings(),
    );

    app.patch(
      '/api/settings/verification',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Change verification settings',
          body: verificationSettingsPatchSchema,
          response: { 200: verificationSettingsSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => deps.settings.updateVerificationSettings(request.body),
    );

    app.get(
      '/api/messages',
      {
        onRequest,
        schema: {
          tags,
          summary: 'The delivery log, newest first',
          querystring: z.strictObject({
            status: z.enum(['sent', 'failed']).optional(),
            usage: z.string().max(40).optional(),
            connectorId: z.string().max(100).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().max(200).optional().describe('nextCursor from the previous page.'),
          }),
          response: {
            200: messagePageSchema,
            400: errorResponseSchema,
            ...authErrors,
          },
        },
      },
      async (request) => {
        const { cursor, limit, ...filter } = request.query;
        const before = cursor ? decodeCursor(cursor) : undefined;
        const rows = await listMessages(deps.db, { ...filter, limit: limit + 1, ...(before ? { before } : {}) });
        const page = rows.slice(0, limit);
        const last = page.at(-1);
        return {
          items: page.map((row) => ({
            id: row.id,
            createdAt: new Date(row.created_at).toISOString(),
            to: row.to_masked,
            usage: row.usage,
            connectorId: row.connector_id,
            factoryId: row.factory_id,
            verificationId: row.verification_id,
            status: row.status,
            test: row.is_test === 1,
            providerMessageId: row.provider_message_id,
            error: row.error_kind
              ? {
                  kind: row.error_kind,
                  providerCode: row.error_code,
                  message: row.error_message,
                  providerRequestId: row.provider_request_id,
                }
              : null,
            latencyMs: row.latency_ms,
          })),
          nextCursor: rows.length > limit && last ? encodeCursor(last.created_at, last.id) : null,
        };
      },
    );

    app.get(
      '/api/messages/connectors',
      {
        onRequest,
        schema: {
          tags,
          summary: 'The connectors that have messages in the log, deleted ones too, newest first',
          description: 'For filtering the log by connector: the log outlives the connectors it names.',
          response: {
            200: loggedConnectorsSchema,
            ...authErrors,
          },
        },
      },
      async () =>
        (await listLoggedConnectors(deps.db)).map((row) => ({
          ...row,
          lastMessageAt: new Date(row.lastMessageAt).toISOString(),
        })),
    );

    app.get(
      '/api/dev/outbox',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Messages captured by the dev-sms connector, newest first',
          description: 'The one place where codes are visible, by design: dev-sms delivers to this outbox.',
          querystring: z.strictObject({
            to: z.string().max(32).optional(),
            limit: z.coerce.number().int().min(1).max(200).default(50),
          }),
          response: {
            200: devOutboxSchema,
            400: errorResponseSchema,
            ...authErrors,
          },
        },
      },
      async (request) => {
        const { to, limit } = request.query;
        const rows = to
          ? await listDevOutboxByPhone(deps.db, normalisePhone(to), limit)
          : await listDevOutbox(deps.db, limit);
        return rows.map((row) => ({
          id: row.id,
          to: row.to_masked,
          usage: row.usage,
          text: row.text,
          createdAt: new Date(row.created_at).toISOString(),
        }));
      },
    );

    app.get(
      '/api/api-keys',
      {
        onRequest,
        schema: {
          tags,
          summary: 'List API keys (never the keys themselves)',
          response: { 200: apiKeysSchema, ...authErrors },
        },
      },
      async () => deps.apiKeys.list(),
    );

    app.post(
      '/api/api-keys',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Create an API key; the key is in this response only',
          body: z.strictObject({ name: z.string().trim().min(1).max(100), scope: z.enum(apiKeyScopes) }),
          response: { 201: createdApiKeySchema, ...authErrors },
        },
      },
      async (request, reply) => reply.status(201).send(await deps.apiKeys.create(request.body)),
    );

    app.delete(
      '/api/api-keys/:id',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Revoke an API key',
          params: idParamsSchema,
          response: { 204: noContentSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request, reply) => {
        await deps.apiKeys.revoke(request.params.id);
        return reply.status(204).send(null);
      },
    );
  };
}

function encodeCursor(createdAt: number, id: string): string {
  return Buffer.from(JSON.stringify([createdAt, id])).toString('base64url');
}

/** A cursor this API did not hand out is a client error, not a silent first page. */
function decodeCursor(cursor: string): { createdAt: number; id: string } {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const [createdAt, id] = Array.isArray(decoded) ? (decoded as unknown[]) : [];
  if (
    Number.isSafeInteger(createdAt) &&
    (createdAt as number) >= 0 &&
    typeof id === 'string' &&
    id.length > 0 &&
    id.length <= 100 &&
    !id.includes('\u0000')
  ) {
    return { createdAt: createdAt as number, id };
  }
  const message = 'is not a cursor from this API; pass nextCursor from the previous page unchanged';
  throw new AppError('request.invalid', `Invalid request: querystring.cursor: ${message}`, {
    issues: [{ path: 'querystring.cursor', message }],
  });
}
