import { randomUUID } from 'node:crypto';
import cookie from '@fastify/cookie';
import swagger from '@fastify/swagger';
import Fastify, { type FastifyBaseLogger, type FastifyInstance, LogController } from 'fastify';
import {
  type FastifyPluginAsyncZod,
  jsonSchemaTransform,
  serializerCompiler,
  validatorCompiler,
  type ZodTypeProvider,
} from 'fastify-type-provider-zod';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import type { TrustProxy } from '../config.ts';
import { AppError } from '../errors.ts';
import type { Metrics } from '../metrics/create-metrics.ts';
import { metricsRoute } from '../metrics/metrics-endpoint.ts';
import { maskPhone } from '../phone.ts';
import type { ApiKeyService } from '../services/api-key-service.ts';
import type { AuditService } from '../services/audit-service.ts';
import type { ConnectorService } from '../services/connectors/connector-service.ts';
import type { ReceiptService } from '../services/connectors/receipt-service.ts';
import type { MessageLogService } from '../services/message-log-service.ts';
import type { ProtectionReports } from '../services/protection/protection-reports.ts';
import type { ProtectionSettingsService } from '../services/protection/protection-settings.ts';
import type { ConnectorHealthService } from '../services/routing/connector-health.ts';
import type { SmsRoutingService } from '../services/routing/sms-routing.ts';
import type { SettingsService } from '../services/settings-service.ts';
import type { VerificationService } from '../services/verification-service.ts';
import type { Storage } from '../storage/database.ts';
import type { Database } from '../storage/schema.ts';
import type { ConsoleSessions } from './auth.ts';
import { sendError } from './errors.ts';
import { rejectNulCharacters } from './nul-characters.ts';
import { apiKeyRoutes } from './routes/api-keys.ts';
import { auditLogRoutes } from './routes/audit-log.ts';
import { connectorRoutes } from './routes/connectors.ts';
import { consoleRoutes } from './routes/console-app.ts';
import { devOutboxRoutes } from './routes/dev-outbox.ts';
import { messageRoutes } from './routes/messages.ts';
import { protectionRoutes } from './routes/protection.ts';
import { routingRoutes } from './routes/routing.ts';
import { settingsRoutes } from './routes/settings.ts';
import { systemRoutes } from './routes/system.ts';
import { verificationRoutes } from './routes/verifications.ts';
import { webhookRoutes } from './routes/webhooks.ts';

export interface HttpDeps {
  db: Kysely<Database>;
  engine: string;
  logger: Logger;
  apiKeys: ApiKeyService;
  connectors: ConnectorService;
  settings: SettingsService;
  messageLog: MessageLogService;
  verifications: VerificationService;
  protection: { settings: ProtectionSettingsService; reports: ProtectionReports };
  /** Delivery receipts from providers (POST /api/webhooks/:factoryId/status). */
  receipts: ReceiptService;
  /** The public origin providers call (PASSLINE_PUBLIC_URL), for checking signed receipts. */
  publicUrl: () => string;
  /** SMS routing and the connectors' circuit breakers. */
  routing: SmsRoutingService;
  health: ConnectorHealthService;
  /** Console sign-in's sessions, for the admin guard (see auth.ts). */
  consoleSessions: ConsoleSessions;
  /** The audit log, decorated for every route's `audit(request, …)` (see audit/audit-request.ts). */
  auditLog: AuditService;
  /** The add-ons' routes (console sign-in, accounts), registered after the core's. */
  plugins: FastifyPluginAsyncZod[];
  /** Which peers may set X-Forwarded-For (config.ts explains the values). */
  trustProxy: TrustProxy;
  version: string;
  /** Storage's `durably`: every response goes through it. */
  durably: Storage['durably'];
  /** With PASSLINE_REDIS_URL: whether Redis answers, for /api/health. */
  redisReachable?: () => Promise<boolean>;
  /** This instance's metrics: HTTP durations are observed here. */
  metrics: Metrics;
  /** PASSLINE_METRICS_TOKEN: serves GET /metrics behind it; unset, /metrics is not a route here. */
  metricsToken?: string;
}

export const bodyLimitBytes = 64 * 1024;

/** `/v2/.../Verifications/+14155550123` → `/v2/.../Verifications/+1415*****23`, encoded or not. */
function maskNumbersInPath(path: string): string {
  return path.replace(/(?:\+|%2B)\d{6,15}/gi, (number) => maskPhone(`+${number.replace(/^(\+|%2B)/i, '')}`));
}

/** Builds the HTTP app. Routes are thin: validate with zod, call a service, shape the response. */
export async function buildHttpApp(deps: HttpDeps): Promise<FastifyInstance> {
  const app = Fastify({
    loggerInstance: deps.logger as FastifyBaseLogger,
    // One access line per request costs more than the request on the hot path; errors are logged
    // by the error handler and failed requests in onResponse below.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: bodyLimitBytes,
    // A hop count as proxy-addr's function (fastify accepts a number at run time, its types do not).
    trustProxy:
      typeof deps.trustProxy === 'number'
        ? (_address: string, hop: number) => hop < (deps.trustProxy as number)
        : deps.trustProxy,
    genReqId: () => randomUUID(),
    requestIdHeader: false,
    return503OnClosing: true,
  }).withTypeProvider<ZodTypeProvider>();

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  app.decorateRequest('principal', undefined);
  app.decorateRequest('admin', undefined);
  app.decorate('consoleSessions', deps.consoleSessions);
  app.decorate('auditLog', deps.auditLog);
  await app.register(cookie);

  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: 'Passline API',
        version: deps.version,
        description: 'Phone verification by SMS code. Authenticate with `Authorization: Bearer <API key>`.',
      },
      components: {
        securitySchemes: {
          apiKey: { type: 'http', scheme: 'bearer' },
          accessToken: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
      security: [{ apiKey: [] }],
    },
    transform: jsonSchemaTransform,
  });

  // These run on every request: callback-style hooks skip a promise each.
  app.addHook('onRequest', (request, reply, done) => {
    reply.header('x-request-id', request.id);
    done();
  });
  // Before schema validation, for every route, so no handler ever sees a NUL character.
  app.addHook('preValidation', (request, _reply, done) => {
    try {
      rejectNulCharacters(request);
      done();
    } catch (error) {
      done(error as Error);
    }
  });
  // Every response, whatever route or hook produced it, leaves through durably: not before the
  // writes it reports are committed (SQLite commits concurrent requests' writes in groups).
  app.addHook('onSend', (_request, _reply, payload, done) => {
    deps
      .durably(() => payload)
      .then(
        (durablePayload) => done(null, durablePayload),
        (error: Error) => done(error),
      );
  });
  app.addHook('onResponse', (request, reply, done) => {
    done();
    // The route's pattern, never the URL: ids and query strings would make a series per request.
    deps.metrics.httpRequest(request.routeOptions.url, request.method, reply.statusCode, reply.elapsedTime / 1000);
    if (reply.statusCode >= 400) {
      // The path only: query strings may carry phone numbers, and so may some paths (the Twilio
      // Verify-compatible API takes a number in place of a verification SID): those are masked.
      request.log.info(
        {
          method: request.method,
          path: maskNumbersInPath(request.url.split('?')[0] ?? ''),
          status: reply.statusCode,
          ms: Math.round(reply.elapsedTime),
        },
        'request failed',
      );
    }
  });

  app.setErrorHandler((error, request, reply) => sendError(reply, request, error));
  app.setNotFoundHandler((request, reply) =>
    sendError(
      reply,
      request,
      new AppError('route.not_found', `No route ${request.method} ${request.url.split('?')[0]}.`),
    ),
  );

  await app.register(
    systemRoutes({
      db: deps.db,
      engine: deps.engine,
      redisReachable: deps.redisReachable,
    }),
  );
  await app.register(verificationRoutes(deps));
  await app.register(connectorRoutes(deps));
  await app.register(routingRoutes(deps));
  await app.register(settingsRoutes(deps));
  await app.register(messageRoutes(deps));
  await app.register(protectionRoutes({ ...deps.protection, apiKeys: deps.apiKeys }));
  await app.register(devOutboxRoutes(deps));
  await app.register(apiKeyRoutes(deps));
  await app.register(auditLogRoutes(deps));
  await app.register(webhookRoutes(deps));
  for (const plugin of deps.plugins) await app.register(plugin);
  if (deps.metricsToken) await app.register(metricsRoute({ metrics: deps.metrics, token: deps.metricsToken }));
  await app.register(consoleRoutes());
  return app;
}
