import { dashboardPricesSchema, dashboardRanges, dashboardSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { audit } from '../http/audit.ts';
import { requireScope } from '../http/auth.ts';
import { authErrors, errorResponseSchema } from '../http/schemas.ts';
import type { ApiKeyService } from '../services/api-key-service.ts';
import type { DashboardService } from './create-dashboard.ts';

/** GET /api/dashboard (from the rollups, never the message log) and the prices of the cost estimate. */
export function dashboardRoutes(deps: { dashboard: DashboardService; apiKeys: ApiKeyService }): FastifyPluginAsyncZod {
  return async (app) => {
    const admin = requireScope(deps.apiKeys, 'admin');
    app.get(
      '/api/dashboard',
      {
        onRequest: admin,
        schema: {
          tags: ['Management API'],
          summary: 'Sends, deliveries, checks, refusals, provider errors and latency, and the estimated cost',
          description:
            'The last hour by minute, the last day by hour, or 30 days by day, from per-minute and per-hour rollups that every instance adds to (within a few seconds). No phone numbers.',
          querystring: z.strictObject({ range: z.enum(dashboardRanges).default('day') }),
          response: { 200: dashboardSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => deps.dashboard.get(request.query.range),
    );
    app.get(
      '/api/dashboard/prices',
      {
        onRequest: admin,
        schema: {
          tags: ['Management API'],
          summary: 'Prices per message for the cost estimate',
          response: { 200: dashboardPricesSchema, ...authErrors },
        },
      },
      async () => deps.dashboard.prices.list(),
    );
    app.put(
      '/api/dashboard/prices',
      {
        onRequest: admin,
        schema: {
          tags: ['Management API'],
          summary: 'Replaces the prices per message',
          description:
            'Per connector (connectorId) or connector type (factoryId), per country or * for any; the most specific applies. Cost = sent × price.',
          body: dashboardPricesSchema,
          response: { 200: dashboardPricesSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => {
        const before = await deps.dashboard.prices.list();
        const after = await deps.dashboard.updatePrices(request.body);
        await audit(request, 'settings.update', { type: 'settings', id: 'dashboard.prices' }, { before, after });
        return after;
      },
    );
  };
}
