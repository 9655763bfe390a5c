import type { ChallengeDescription } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Logger } from 'pino';
import { ipLimitKey } from '../../client-ip.ts';
import type { Clock } from '../../clock.ts';
import { newId } from '../../crypto/codes.ts';
import type { KeyRing } from '../../crypto/keys.ts';
import { AppError } from '../../errors.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import { insertProtectionAlert } from '../../storage/queries/protection.ts';
import type { Database } from '../../storage/schema.ts';
import type { RateLimiter } from '../limits/rate-limiter.ts';
import { type AlertSender, createAlertSender } from './alert-sender.ts';

import { type ChallengeVerifier, createChallengeVerifier } from './challenge-verifier.ts';

import { createConversionGuard } from './conversion-guard.ts';
import { createProtectionReports, type ProtectionReports } from './protection-reports.ts';
import { createProtectionService, type ProtectionService } from './protection-service.ts';
import {
  createProtectionSettings,
  type ProtectionSecrets,
  type ProtectionSettingsService,
} from './protection-settings.ts';

export interface Protection {
  settings: ProtectionSettingsService;
  service: ProtectionService;
  reports: ProtectionReports;
  challenges: ChallengeVerifier;
  /** Writes the conversion guard's waiting tallies now and judges what they touched (also on close). */
  flushTallies(): Promise<void>;
  /** Stops the tallies' timer; `close()` flushes first. */
  stop(): void;
  /**
   * The challenge a client solves before the Experience API sends a code (GET /api/experience/challenge).
   * A proof-of-work challenge costs the server a key derivation, so one client IP gets 60 a minute.
   */
  describeChallenge(clientIp: string): Promise<ChallengeDescription>;
  alerts: AlertSender;
}

/** SMS-pumping protection, wired from its parts: one factory, called by main.ts. */
export function createProtection(deps: {
  db: Kysely<Database>;
  clock: Clock;
  keys: KeyRing;
  limiter: RateLimiter;
  logger: Logger;
  secrets: ProtectionSecrets | undefined;
  fetch?: typeof fetch;
  cacheMs?: number;
  metrics: Metrics;
}): Protection {
  const { db, clock, limiter } = deps;
  const secrets = deps.secrets ?? { challengeSecret: undefined, alertWebhookSecret: undefined };
  const settings = createProtectionSettings({ db, clock, secrets, cacheMs: deps.cacheMs });
  const alerts = createAlertSender({
    webhookUrl: async () => (await settings.get()).alertWebhookUrl,
    secret: secrets.alertWebhookSecret,
    limiter,
    clock,
    logger: deps.logger,
    record: (alert) =>
      insertProtectionAlert(db, {
        id: newId('pal'),
        created_at: alert.createdAt,
        kind: alert.kind,
        subject: alert.subject,
        delivered: alert.delivered ? 1 : 0,
        error: alert.error,
      }),
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  const guard = createConversionGuard({
    db,
    limiter,
    clock,
    alerts,
    settings,
    onError: (error) => deps.logger.warn({ err: error }, 'protection tallies could not be written'),
    cacheMs: deps.cacheMs,
  });
  const challenges = createChallengeVerifier({
    keys: deps.keys,
    captchaSecret: secrets.challengeSecret,
    limiter,
    clock,
    ...(deps.fetch ? { fetch: deps.fetch } : {}),
  });
  return {
    settings,
    alerts,
    challenges,
    flushTallies: guard.flush,
    stop: guard.stop,
    async describeChallenge(clientIp) {
      const decision = await limiter.consume([
        { key: `challenge-ip:${ipLimitKey(clientIp)}`, limit: 60, windowMs: 60_000, code: 'rate_limit.ip' },
      ]);
      if (!decision.allowed) {
        const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
        throw new AppError(
          'rate_limit.ip',
          `Too many challenges requested; try again in ${retryAfterSeconds} s.`,
          {
            retryAfterSeconds,
          },
          retryAfterSeconds,
        );
      }
      return challenges.describe(await settings.get());
    },
    service: createProtectionService({
      db,
      clock,
      settings,
      guard,
      challenges,
      alerts,
      metrics: deps.metrics,
      logger: deps.logger,
    }),
    reports: createProtectionReports({ db, clock, limiter, guard, settings }),
  };
}
