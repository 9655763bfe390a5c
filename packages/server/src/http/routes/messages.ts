import { loggedConnectorsSchema, messagePageSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import type { MessageLogService } from '../../services/message-log-service.ts';
import { requireScope } from '../auth.ts';
import { authErrors, errorResponseSchema } from '../schemas.ts';

/** The message log and the connectors it names (Management API). */
export function messageRoutes(deps: { messageLog: MessageLogService; apiKeys: ApiKeyService }): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Management API'];

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
            deliveryStatus: z
              .enum(['delivered', 'undelivered', 'awaiting'])
              .optional()
              .describe('What the delivery receipt said; awaiting: receipts were asked for and none has come yet.'),
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
      async (request) => deps.messageLog.page(request.query),
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
      async () => deps.messageLog.connectors(),
    );
  };
}
