import { readFileSync } from 'node:fs';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { type Accounts, createAccounts } from './accounts/create-accounts.ts';
import type { PasswordAttemptLimits } from './accounts/password-check.ts';
import { createPasslineSessionSource } from './accounts/user-admin/passline-sessions.ts';
import { userAdminRoutes } from './accounts/user-admin/user-admin-routes.ts';
import { createUserAdmin, type UserAdmin } from './accounts/user-admin/user-admin-service.ts';
import { type Clock, systemClock } from './clock.ts';
import type { Config } from './config.ts';
import { adminAuthRoutes } from './console-auth/console-auth-routes.ts';
import {
  type AdminAuthOptions,
  type AdminAuthService,
  createAdminAuthService,
} from './console-auth/console-auth-service.ts';
import { type KeyRing, loadKeyRing } from './crypto/keys.ts';
import { createDashboard, type DashboardService } from './dashboard/create-dashboard.ts';
import { dashboardRoutes } from './dashboard/dashboard-routes.ts';
import { isAppError } from './errors.ts';
import { buildHttpApp } from './http/app.ts';
import { integrationRoutes } from './integrations/integration-routes.ts';
import { createLogger } from './logger.ts';
import { createMetrics, type Metrics } from './metrics/create-metrics.ts';
import { type MetricsServer, metricsServerFor } from './metrics/metrics-endpoint.ts';
import { createOidc, type Oidc } from './oidc/create-oidc.ts';
import { type ApiKeyService, createApiKeyService } from './services/api-key-service.ts';
import { type AuditService, createAuditService } from './services/audit-service.ts';
import { type BackgroundTasks, createBackgroundTasks } from './services/background-tasks.ts';
import { loadConnectorRegistry } from './services/connectors/connector-registry.ts';
import { type ConnectorService, createConnectorService } from './services/connectors/connector-service.ts';
import { createReceiptService } from './services/connectors/receipt-service.ts';
import { startHousekeeping } from './services/housekeeping.ts';
import { createKeyRotationService, type KeyRotationService } from './services/key-rotation-service.ts';
import { createSqlRateLimiter, type RateLimiter } from './services/limits/rate-limiter.ts';
import { connectRedis, redisHealthCheck } from './services/limits/redis-connection.ts';
import { createRedisRateLimiter } from './services/limits/redis-rate-limiter.ts';
import { createMessageLogService } from './services/message-log-service.ts';
import { createProtection, type Protection } from './services/protection/create-protection.ts';
import { createConnectorHealth, type HealthOptions } from './services/routing/connector-health.ts';
import { createRoutedDelivery } from './services/routing/routed-delivery.ts';
import { createSmsRouting } from './services/routing/sms-routing.ts';
import { createSettingsService, type SettingsService } from './services/settings-service.ts';
import { createVerificationService, type VerificationService } from './services/verification-service.ts';
import { migrate, openStorage, type Storage } from './storage/database.ts';
import { twilioVerifyRoutes } from './twilio-verify/twilio-verify-routes.ts';

export const version = (
  JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }
).version;

export interface Passline {
  config: Readonly<Config>;
  app: FastifyInstance;
  storage: Storage;
  logger: Logger;
  keys: KeyRing;
  /** Re-encrypts sealed values under the current key (`passline keys rotate`). */
  keyRotation: KeyRotationService;
  apiKeys: ApiKeyService;
  connectors: ConnectorService;
  settings: SettingsService;
  verifications: VerificationService;
  /** SMS-pumping protection: policy, budgets, conversion guard, challenges, alerts. */
  protection: Protection;
  /** Shared by every limit (sends, console sign-in): SQL buckets, or Redis when configured. */
  limiter: RateLimiter;
  adminAuth: AdminAuthService;
  /** End-user accounts, tokens and the Experience API. */
  accounts: Accounts;
  /** The OpenID Connect provider and its applications. */
  oidc: Oidc;
  /** The issuer: PASSLINE_PUBLIC_URL, or http://localhost:<port> when it is not set. */
  publicUrl(): string;
  /** End users as admins manage them (GET /api/users …): suspension, deletion, sessions. */
  userAdmin: UserAdmin;
  /** Administrative changes: who, from where, what (GET /api/audit-log). */
  auditLog: AuditService;
  /** Work that finishes after its request was answered; `close()` waits for it. */
  background: BackgroundTasks;
  /** Deletes ended buckets, blocks and old protection events every 10 minutes. */
  housekeeping: { run(): Promise<void> };
  /** The console's dashboard: rollups fed by the metrics' call sites, prices, the report. */
  dashboard: DashboardService;
  /** This instance's Prometheus metrics (its own registry: docs/operations.md). */
  metrics: Metrics;
  /** With PASSLINE_METRICS_PORT: /metrics on its own port, listening once startPassline runs. */
  metricsServer: MetricsServer | undefined;
  close(): Promise<void>;
}

export interface PasslineOverrides {
  logger?: Logger;
  clock?: Clock;
  fetch?: typeof fetch;
  /** PostgreSQL schema to use (tests isolate themselves in one schema each). */
  searchPath?: string;
  generateCode?: (length: number) => string;
  /** Per-instance cache lifetimes; tests that simulate several instances shorten them. */
  cacheMs?: number;
  /** Console session lifetimes and sign-in attempt limits (tests use small limits). */
  adminAuth?: Partial<AdminAuthOptions>;
  /** End-user password attempt limits (tests use small limits). */
  passwordLimits?: PasswordAttemptLimits;
  /** The connectors' circuit breaker (tests shorten the cool-off). */
  health?: Partial<HealthOptions>;
  /** The overall deadline of one send across failover (tests shorten it). */
  sendDeadlineMs?: number;
}

/**
 * The composition root: config → storage → migrations → services → HTTP app. Nothing else creates
 * long-lived objects, and everything is passed down explicitly.
 */
export async function createPassline(config: Readonly<Config>, overrides: PasslineOverrides = {}): Promise<Passline> {
  const logger = overrides.logger ?? createLogger(config);
  // Per instance, never prom-client's global registry: several instances may share a process.
  const metrics = createMetrics();
  const clock = overrides.clock ?? systemClock;
  const keys = loadKeyRing(config);
  const registry = await loadConnectorRegistry(config.connectorModules);
  const storage = openStorage(config.database, { searchPath: overrides.searchPath });
  let redis: Redis | undefined;
  try {
    await storage.durably(() => migrate(storage.db));
    let limiter: RateLimiter;
    if (config.redisUrl) {
      // A Redis outage answers 503 fast and shows in /api/health (see redis-connection.ts).
      redis = await connectRedis(config.redisUrl, logger);
      limiter = createRedisRateLimiter({ redis, prefix: config.redisKeyPrefix });
    } else {
      limiter = createSqlRateLimiter({ db: storage.db, clock });
    }
    // Deliveries and notices that finish after their request was answered.
    const background = createBackgroundTasks({
      durably: storage.durably,
      onError: (error) => logger.warn({ err: error }, 'background task failed'),
    });
    const cacheMs = overrides.cacheMs;
    const settings = createSettingsService({ db: storage.db, clock, cacheMs });
    const apiKeys = createApiKeyService({ db: storage.db, clock, cacheMs });
    const connectors = createConnectorService({
      db: storage.db,
      registry,
      keys,
      clock,
      logger,
      metrics,
      fetch: overrides.fetch,
      cacheMs,
      // Delivery receipt URLs name the public origin (declared below, read only when used).
      publicUrl: () => issuer(),
    });
    const protection = createProtection({
      db: storage.db,
      clock,
      keys,
      limiter,
      logger,
      secrets: config.protectionSecrets,
      fetch: overrides.fetch,
      cacheMs,
      metrics,
    });
    // Routing and failover on top of the simple mode's one active connector.
    const health = createConnectorHealth({ db: storage.db, clock, options: overrides.health });
    const routing = createSmsRouting({ db: storage.db, clock, connectors, cacheMs });
    const deliverRouted = createRoutedDelivery({
      deliver: connectors.deliver,
      health,
      deadlineMs: overrides.sendDeadlineMs,
    });
    const verifications = createVerificationService({
      db: storage.db,
      routing,
      deliverRouted,
      limiter,
      protection: protection.service,
      settings,
      keys,
      clock,
      generateCode: overrides.generateCode,
      // End-user sends deliver after the response; their failures are in the message log too.
      background,
      metrics,
      logger,
    });
    // Fed by the same call sites as the Prometheus series (createMetrics' observer).
    const dashboard = createDashboard({ db: storage.db, durably: storage.durably, clock, logger, cacheMs });
    metrics.observe(dashboard.recorder.observer);
    const auditLog = createAuditService({ db: storage.db, clock, retentionDays: config.auditRetentionDays });
    const adminAuth = createAdminAuthService({
      db: storage.db,
      auditLog,
      logger,
      limiter,
      clock,
      keys,
      cacheMs,
      options: overrides.adminAuth,
    });
    // PASSLINE_PUBLIC_URL, or in development the address this instance listens on.
    const issuer = () => config.publicUrl ?? `http://localhost:${listeningPort(app) ?? config.port}`;
    const accounts = createAccounts({
      issuer,
      db: storage.db,
      verifications,
      verificationSettings: settings,
      routing,
      deliverRouted,
      background,
      logger,
      metrics,
      limiter,
      describeChallenge: protection.describeChallenge,
      keys,
      clock,
      cacheMs,
      passwordLimits: overrides.passwordLimits,
    });
    const oidc = createOidc({
      db: storage.db,
      durably: storage.durably,
      keys,
      clock,
      accounts,
      issuer,
    });
    // Every place an end user can be signed in; the users admin lists and ends sessions in each.
    const userAdmin = createUserAdmin({
      db: storage.db,
      clock,
      sessionSources: [createPasslineSessionSource({ db: storage.db, clock }), oidc.sessions],
    });
    let app: FastifyInstance | undefined;
    app = await buildHttpApp({
      db: storage.db,
      engine: storage.capabilities.engine,
      durably: storage.durably,
      logger,
      apiKeys,
      connectors,
      settings,
      messageLog: createMessageLogService({ db: storage.db }),
      verifications,
      protection,
      routing,
      health,
      receipts: createReceiptService({
        db: storage.db,
        clock,
        keys,
        registry,
        connectorById: connectors.getForSending,
        logger,
        metrics,
      }),
      publicUrl: issuer,
      consoleSessions: adminAuth,
      auditLog,
      // The add-ons' routes: console sign-in, end-user accounts, the users admin, OpenID Connect.
      plugins: [
        adminAuthRoutes({ adminAuth, apiKeys }),
        dashboardRoutes({ dashboard, apiKeys }),
        accounts.routes({ apiKeys }),
        userAdminRoutes({ userAdmin, apiKeys }),
        oidc.routes({ apiKeys }),
        twilioVerifyRoutes({
          db: storage.db,
          durably: storage.durably,
          clock,
          verifications,
          apiKeys,
          logger,
          publicUrl: issuer,
        }),
        integrationRoutes({ db: storage.db, clock, keys, verifications, apiKeys, publicUrl: issuer }),
      ],
      trustProxy: config.trustProxy,
      version,
      redisReachable: redis ? redisHealthCheck(redis) : undefined,
      metrics,
      // With a metrics port, /metrics is served there only.
      metricsToken: config.metrics?.port === undefined ? config.metrics?.token : undefined,
    });
    const metricsServer = metricsServerFor(metrics, config.metrics);
    const housekeeping = startHousekeeping({
      db: storage.db,
      durably: storage.durably,
      clock,
      logger,
      tasks: {
        oidcRecords: oidc.deleteExpired,
        auditLog: auditLog.deleteExpired,
        dashboardRollups: dashboard.deleteExpired,
      },
    });
    const server = app;
    return {
      config,
      app: server,
      publicUrl: issuer,
      storage,
      logger,
      keys,
      keyRotation: createKeyRotationService({ db: storage.db, keys, clock }),
      apiKeys,
      connectors,
      settings,
      verifications,
      protection,
      limiter,
      adminAuth,
      accounts,
      oidc,
      userAdmin,
      auditLog,
      dashboard,
      background,
      housekeeping,
      metrics,
      metricsServer,
      async close() {
        housekeeping.stop();
        await metricsServer?.close();
        await server.close();
        await background.drain();
        await dashboard.recorder.close();
        await protection.flushTallies();
        protection.stop();
        await protection.alerts.idle();
        await storage.close();
        if (redis) await redis.quit().catch(() => redis?.disconnect());
      },
    };
  } catch (error) {
    await storage.close().catch(() => undefined);
    redis?.disconnect();
    throw error;
  }
}

/** The port the app listens on, once it does (PORT=0 picks a free one). */
function listeningPort(app: FastifyInstance | undefined): number | undefined {
  const address = app?.server.address();
  return typeof address === 'object' && address ? address.port : undefined;
}

/** Starts listening and says, in the first lines, where data lives and what to do next. */
export async function startPassline(config: Readonly<Config>, overrides: PasslineOverrides = {}): Promise<Passline> {
  const passline = await createPassline(config, overrides);
  const { logger } = passline;
  logger.info(
    {
      data: passline.storage.description,
      dataDir: config.dataDir,
      encryptionKey: passline.keys.source,
      encryptionKeyId: passline.keys.keyId,
      previousEncryptionKeyIds: passline.keys.previous.map((key) => key.keyId),
    },
    `Passline ${version}: data in ${passline.storage.description}`,
  );
  for (const note of await passline.keyRotation.startupNotes()) logger[note.level](note.message);
  const active = await passline.connectors.getActive('sms').catch((error: unknown) => {
    // Its secrets need a key that is not configured (the notes above say which): start anyway, so
    // everything else works and sends answer that clear error until the key is configured.
    if (!isAppError(error) || error.code !== 'connector.secret_unreadable') throw error;
    logger.error(error.message);
    return undefined;
  });
  logger.info(
    { activeSmsConnector: active?.row.factory_id ?? null },
    active
      ? `Active SMS connector: ${active.factory.metadata.name} (${active.row.id})`
      : 'Active SMS connector: none. Set one up in the console or with POST /api/connectors (try "dev-sms").',
  );
  if (active?.factory.metadata.id === 'dev-sms' && config.env === 'production') {
    logger.warn(
      '!!! The dev-sms connector is ACTIVE in production: no SMS is delivered, and verification codes are written to the log and the dev outbox. Activate a real SMS connector. !!!',
    );
  }
  if ((await passline.apiKeys.list()).every((key) => key.revokedAt !== null || key.scope !== 'admin')) {
    logger.info('No admin API key yet. Create one with: npx passline api-keys create --name admin --scope admin');
  }
  await passline.app.listen({ port: config.port, host: config.host });
  // The bound port, not the configured one: PORT=0 picks a free port.
  const address = passline.app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(`Listening on http://${config.host}:${port} (API reference: /api/openapi.json)`);
  if (passline.metricsServer) {
    const metricsAddress = await passline.metricsServer.listen();
    logger.info(`Metrics: http://${config.metrics?.host}:${metricsAddress.port}/metrics (no authentication)`);
  } else if (config.metrics?.token) {
    logger.info('Metrics: GET /metrics with the bearer token PASSLINE_METRICS_TOKEN');
  }
  logger.info(
    { publicUrl: passline.publicUrl() },
    config.publicUrl
      ? `Public URL (OpenID Connect issuer): ${config.publicUrl}`
      : `PASSLINE_PUBLIC_URL is not set: the OpenID Connect issuer and the links Passline prints use ${passline.publicUrl()}. Set it to the address users reach, e.g. https://id.example.com.`,
  );
  // The log is this token's answer: it is printed only once the token is stored.
  const setupToken = await passline.storage.durably(() => passline.adminAuth.issueSetupToken());
  if (setupToken) {
    // Deliberately in the log: whoever reads the server's log owns the server. The token works
    // once, and not at all once an admin exists.
    logger.info(
      `No console admin yet. Open ${passline.publicUrl()}/console/ and enter this one-time setup token: ${setupToken} (or run: npx passline admins create --username <name>)`,
    );
  }
  return passline;
}
