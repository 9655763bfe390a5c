import { connectorHealthListSchema, routeResolutionSchema, routingLimits, smsRoutingSchema } from '@passline/contracts';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { maskPhone, parsePhone } from '../../phone.ts';
import type { ApiKeyService } from '../../services/api-key-service.ts';
import type { ConnectorService } from '../../services/connectors/connector-service.ts';
import type { ConnectorHealthService } from '../../services/routing/connector-health.ts';
import type { SmsRoutingService } from '../../services/routing/sms-routing.ts';
import { audit } from '../audit.ts';
import { requireScope } from '../auth.ts';
import { authErrors, errorResponseSchema } from '../schemas.ts';

const id = z.string().min(1).max(100);
const chain = z.array(id).max(routingLimits.chain);
const entries = z.array(z.string().min(1).max(16)).max(routingLimits.entries);

/** SMS routing, the tester, and connector health (Management API). */
export function routingRoutes(deps: {
  routing: SmsRoutingService;
  health: ConnectorHealthService;
  connectors: ConnectorService;
  apiKeys: ApiKeyService;
}): FastifyPluginAsyncZod {
  return async (app) => {
    const onRequest = requireScope(deps.apiKeys, 'admin');
    const tags = ['Routing'];

    app.get(
      '/api/routing/sms',
      {
        onRequest,
        schema: { tags, summary: 'The SMS routing table', response: { 200: smsRoutingSchema, ...authErrors } },
      },
      async () => deps.routing.get(),
    );

    app.put(
      '/api/routing/sms',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Replace the SMS routing table',
          description:
            'Rules match by country or E.164 prefix, first match wins; `default` applies otherwise. The first connector of `default` becomes the active one.',
          body: z.strictObject({
            rules: z
              .array(z.strictObject({ countries: entries.optional(), prefixes: entries.optional(), connectors: chain }))
              .max(routingLimits.rules),
            default: chain,
          }),
          response: { 200: smsRoutingSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => {
        const before = await deps.routing.get();
        const after = await deps.routing.put(request.body);
        await audit(request, 'routing.update', { type: 'routing', id: 'sms' }, { before, after });
        return after;
      },
    );

    app.get(
      '/api/routing/sms/resolve',
      {
        onRequest,
        schema: {
          tags,
          summary: 'Which connectors a send to this number would go through, and in which order',
          querystring: z.strictObject({ to: z.string().min(3).max(32) }),
          response: { 200: routeResolutionSchema, 400: errorResponseSchema, ...authErrors },
        },
      },
      async (request) => {
        const phone = parsePhone(request.query.to);
        const resolved = await deps.routing.chainFor(phone.number, phone.country);
        const states = await Promise.all(resolved.connectors.map((connector) => deps.health.state(connector.row.id)));
        const anyUsable = states.some((state) => state !== 'open');
        return {
          to: maskPhone(phone.number),
          country: phone.country ?? null,
          rule: resolved.rule,
          chain: resolved.connectors.map((connector, index) => ({
            connectorId: connector.row.id,
            factoryId: connector.row.factory_id,
            health: states[index] ?? 'closed',
            // An open breaker is tried only when every other connector has failed.
            willTry: states[index] !== 'open' || !anyUsable,
          })),
        };
      },
    );

    app.get(
      '/api/routing/health',
      {
        onRequest,
        schema: {
          tags,
          summary: "Each SMS connector's health: the circuit breaker every instance shares",
          response: { 200: connectorHealthListSchema, ...authErrors },
        },
      },
      async () => {
        const ids = (await deps.connectors.list()).filter((row) => row.type === 'sms').map((row) => row.id);
        return { items: await deps.health.list(ids) };
      },
    );
  };
}
