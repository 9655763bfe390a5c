import { auditPageSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import type { AuditService } from '../../services/audit-service.ts';
import { requireScope } from '../auth.ts';
import { authErrors, errorResponseSchema } from '../schemas.ts';

const filterText = z.string().trim().min(1).max(200);

/**
 * GET /api/audit-log. Read-only on purpose: no route updates or deletes an entry (only retention
 * housekeeping deletes, by age).
 */
export function auditLogRoutes(deps: { auditLog: AuditService; apiKeys: ApiKeyService }): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/api/audit-log',
      {
        onRequest: requireScope(deps.apiKeys, 'admin'),
        schema: {
          tags: ['Management API'],
          summary: 'Administrative changes, newest first',
          description:
            'Who changed what and when: connectors, routing, settings, API keys, admins and console sign-ins, users, applications. Secrets are never recorded.',
          querystring: z.strictObject({
            actor: filterText.optional().describe("An admin's username or id, or an API key's name or id."),
            action: filterText
              .optional()
              .describe('An action (connector.update), or a family (connector or connector.*) for all of its actions.'),
            targetType: filterText
              .optional()
              .describe('connector, routing, settings, api_key, admin, user, application…'),
            targetId: filterText.optional(),
            ip: filterText.optional(),
            from: z.iso.datetime().optional().describe('ISO time: entries at or after it.'),
            to: z.iso.datetime().optional().describe('ISO time: entries before it.'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().max(200).optional().describe('nextCursor from the previous page.'),
          }),
          response: { 200: auditPageSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => deps.auditLog.list(request.query),
    );
  };
}
