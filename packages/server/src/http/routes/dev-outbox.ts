import { devOutboxSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import type { MessageLogService } from '../../services/message-log-service.ts';
import { requireScope } from '../auth.ts';
import { authErrors, errorResponseSchema } from '../schemas.ts';

/** What the dev-sms connector delivered (Management API). */
export function devOutboxRoutes(deps: {
  messageLog: MessageLogService;
  apiKeys: ApiKeyService;
}): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Management API'];

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
      async (request) => deps.messageLog.devOutbox(request.query),
    );
  };
}
