import {
  protectionBlocksSchema,
  protectionEventPageSchema,
  protectionReasons,
  protectionSettingsSchema,
  protectionSummarySchema,
} from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import type { ProtectionReports } from '../../services/protection/protection-reports.ts';
import {
  type ProtectionSettingsService,
  protectionSettingsPatchSchema,
} from '../../services/protection/protection-settings.ts';
import { audit } from '../audit.ts';
import { requireScope } from '../auth.ts';
import { authErrors, errorResponseSchema } from '../schemas.ts';

/** SMS-pumping protection: its settings, what it refused, its guard blocks (Management API). */
export function protectionRoutes(deps: {
  settings: ProtectionSettingsService;
  reports: ProtectionReports;
  apiKeys: ApiKeyService;
}): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Management API'];

    app.get(
      '/api/settings/protection',
      {
        onRequest,
        schema: { tags, summary: 'Protection settings', response: { 200: protectionSettingsSchema, ...authErrors } },
      },
      async () => deps.settings.get(),
    );

    app.patch(
      '/api/settings/protection',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Change protection settings',
          description: 'Changes exactly the fields the body names. See docs/protection.md for each layer.',
          body: protectionSettingsPatchSchema,
          response: { 200: protectionSettingsSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => {
        const before = await deps.settings.get();
        const after = await deps.settings.update(request.body);
        await audit(request, 'protection.update', { type: 'settings', id: 'protection' }, { before, after });
        return after;
      },
    );

    app.get(
      '/api/protection/events',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Refused sends, newest first',
          querystring: z.strictObject({
            reason: z.enum(protectionReasons).optional(),
            country: z
              .string()
              .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in capitals')
              .optional(),
            since: z.iso.datetime().optional().describe('ISO time: events at or after it.'),
            until: z.iso.datetime().optional().describe('ISO time: events before it.'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            cursor: z.string().max(200).optional().describe('nextCursor from the previous page.'),
          }),
          response: { 200: protectionEventPageSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => deps.reports.events(request.query),
    );

    app.get(
      '/api/protection/summary',
      {
        onRequest,
        schema: {
          tags,
          summary: 'The last 24 hours: sends and refusals by hour, top ranges and countries, budgets, alerts',
          response: { 200: protectionSummarySchema, ...authErrors },
        },
      },
      async () => deps.reports.summary(),
    );

    app.get(
      '/api/protection/blocks',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Ranges, client IPs and countries the conversion guard refuses right now',
          response: { 200: protectionBlocksSchema, ...authErrors },
        },
      },
      async () => deps.reports.blocks(),
    );

    app.delete(
      '/api/protection/blocks/:key',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Clear a guard block',
          params: z.strictObject({ key: z.string().min(1).max(200) }),
          response: { 204: z.null(), 404: errorResponseSchema, ...authErrors },
        },
      },
      async (request, reply) => {
        await deps.reports.clearBlock(request.params.key);
        await audit(request, 'protection.block_clear', { type: 'protection_block', id: request.params.key });
        return reply.status(204).send(null);
      },
    );
  };
}
