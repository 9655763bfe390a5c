import type { ProtectionReason, ProtectionSettings } from '@passline/contracts';
import { protectionReasons } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { Clock } from '../../clock.ts';
import { newId } from '../../crypto/codes.ts';
import { AppError } from '../../errors.ts';
import type { Metrics } from '../../metrics/create-metrics.ts';
import { type EventLogger, logEvent } from '../../metrics/security-events.ts';
import type { PhoneNumber } from '../../phone.ts';
import { insertProtectionEvent } from '../../storage/queries/protection.ts';
import type { Database } from '../../storage/schema.ts';
import type { LimitRule } from '../limits/rate-limiter.ts';
import type { AlertSender } from './alert-sender.ts';
import type { ChallengeVerifier } from './challenge-verifier.ts';
import type { ConversionGuard } from './conversion-guard.ts';
import {
  compileExceptions,
  type Destination,
  destinationOf,
  type Exceptions,
  maskedRange,
  policyRefusal,
  rangeOf,
} from './number-policy.ts';
import type { ProtectionSettingsService } from './protection-settings.ts';
import { budgetPositions, budgetRules, countryKey, hourMs } from './send-budgets.ts';

export interface SendRequest {
  phone: PhoneNumber;
  /** The end user's IP as given, and the key per-IP limits count it under (an IPv6 /64). */
  ip: string | undefined;
  clientKey: string | undefined;
  /** The API key id, or the end-user flow (`experience`, `account`). */
  source: string;
  /** Present on the public Experience API only: what the client sent as its challenge solution. */
  challenge?: { solution: string | undefined };
}

/** What protection decided about a send before its limits are counted. */
export interface Screened {
  settings: ProtectionSettings;
  destination: Destination;
  request: SendRequest;
  /** Counted after the send's per-number rules, all or nothing (empty for an always-allowed send). */
  rules: LimitRule[];
}

const reasons = new Set<string>(protectionReasons);
/** Whether a refusing limit rule is one of protection's budgets (not a per-number or per-IP limit). */
export const isProtectionRule = (rule: LimitRule) => reasons.has(rule.code);

/**
 * SMS-pumping protection for every send, before any provider is called: always-allow exceptions,
 * the country and number-type policy, conversion-guard blocks, the challenge, then budgets counted
 * with the send's own limits. Each refusal is recorded; in record-only mode nothing is refused.
 */
export function createProtectionService(deps: {
  db: Kysely<Database>;
  clock: Clock;
  settings: ProtectionSettingsService;
  guard: ConversionGuard;
  challenges: Pick<ChallengeVerifier, 'verify'>;
  alerts: AlertSender;
  /** Refusals by reason, budget use. */
  metrics: Metrics;
  /** `protection.tripped` events. */
  logger: EventLogger;
}) {
  const { db, clock, guard } = deps;
  let compiled: { settings: ProtectionSettings; exceptions: Exceptions } | undefined;
  /** Budget use seen by this instance's last sends, for the adaptive challenge. */
  const pressure = { global: { share: 0, at: 0 }, countries: new Map<string, { share: number; at: number }>() };

  function notePressure(rules: readonly LimitRule[], hits: readonly number[], destination: Destination, now: number) {
    const share = (position: number) => (hits[position] ?? 0) / (rules[position]?.limit ?? 1);
    deps.metrics.budgetUsage('global_hour', null, share(budgetPositions.globalHour));
    deps.metrics.budgetUsage('global_day', null, share(budgetPositions.globalDay));
    deps.metrics.budgetUsage('country', destination.country, share(budgetPositions.country));
    pressure.global = {
      share: Math.max(share(budgetPositions.globalHour), share(budgetPositions.globalDay)),
      at: now,
    };
    if (pressure.countries.size > 1000) pressure.countries.clear();
    pressure.countries.set(countryKey(destination), { share: share(budgetPositions.country), at: now });
  }

  function exceptionsFor(settings: ProtectionSettings): Exceptions {
    if (compiled?.settings !== settings) compiled = { settings, exceptions: compileExceptions(settings) };
    return compiled.exceptions;
  }

  /** Records the refusal; throws it unless the mode is record-only. */
  async function refuse(
    screened: Pick<Screened, 'settings' | 'destination' | 'request'>,
    reason: ProtectionReason,
    error: AppError = new AppError(reason),
  ): Promise<void> {
    const enforced = screened.settings.mode === 'enforce';
    deps.metrics.protectionRefusal(reason, enforced);
    logEvent(deps.logger, 'protection.tripped', {
      rule: reason,
      enforced,
      country: screened.destination.country,
      range: maskedRange(screened.destination),
      source: screened.request.source,
    });
    await insertProtectionEvent(db, {
      id: newId('pev'),
      created_at: clock.now(),
      reason,
      enforced: enforced ? 1 : 0,
      country: screened.destination.country,
      range_masked: maskedRange(screened.destination),
      client_ip: screened.request.ip ?? null,
      source: screened.request.source,
    });
    if (enforced) throw error;
  }

  async function challengeNeeded(settings: ProtectionSettings, destination: Destination): Promise<boolean> {
    if (settings.challenge === 'off') return false;
    if (settings.challengeMode === 'always') return true;
    const now = clock.now();
    const fresh = (seen: { share: number; at: number } | undefined) =>
      seen !== undefined && now - seen.at < hourMs && seen.share >= settings.challengeAdaptiveShare;
    if (fresh(pressure.global) || fresh(pressure.countries.get(countryKey(destination)))) return true;
    return settings.guardEnabled && (await guard.anyBlocked());
  }

  return {
    /** Checks what can be checked before counting; throws a refusal (unless record-only). */
    async screen(request: SendRequest): Promise<Screened> {
      const settings = await deps.settings.get();
      const destination = destinationOf(request.phone, settings.prefixWildcardDigits);
      const screened: Screened = { settings, destination, request, rules: [] };
      if (exceptionsFor(settings).covers(destination, request.ip)) return screened;

      const policy = policyRefusal(settings, destination);
      if (policy) await refuse(screened, policy);
      if (settings.guardEnabled) {
        const keys = [`range:${destination.range}`, `country:${countryKey(destination)}`];
        if (request.clientKey !== undefined) keys.push(`ip:${request.clientKey}`);
        if (await guard.blocking(keys)) await refuse(screened, 'fraud.low_conversion');
      }
      if (request.challenge && (await challengeNeeded(settings, destination))) {
        try {
          await deps.challenges.verify(settings, request.challenge.solution, request.ip);
        } catch (error) {
          const code = error instanceof AppError ? error.code : undefined;
          if (code !== 'fraud.challenge_required' && code !== 'fraud.challenge_failed') throw error;
          await refuse(screened, code, error as AppError);
        }
      }
      return { ...screened, rules: budgetRules(settings, destination) };
    },

    /**
     * A budget refused the send: record it, alert on a spent deployment or country budget, and
     * throw the refusal; in record-only mode return, and the caller counts the send without budgets.
     */
    async overBudget(screened: Screened, rule: LimitRule, retryAfterMs: number): Promise<void> {
      const reason = rule.code as ProtectionReason;
      if (reason === 'rate_limit.global' || reason === 'rate_limit.country') {
        deps.alerts.alert({
          kind: reason === 'rate_limit.global' ? 'budget.global' : 'budget.country',
          subject:
            reason === 'rate_limit.global' ? rule.key.replace('b:global-', '') : countryKey(screened.destination),
          details: { limit: rule.limit, windowSeconds: rule.windowMs / 1000 },
        });
      }
      const retryAfterSeconds = Math.max(1, Math.ceil(retryAfterMs / 1000));
      await refuse(
        screened,
        reason,
        new AppError(
          reason,
          undefined,
          { retryAfterSeconds, limit: rule.limit, windowSeconds: rule.windowMs / 1000 },
          retryAfterSeconds,
        ),
      );
    },

    /**
     * The send was counted: note budget use, and tally it for the guard. `hits` are the budgets'
     * counts; empty when a record-only send went ahead without them.
     */
    counted(screened: Screened, hits: readonly number[]): void {
      const { settings, destination, request, rules } = screened;
      if (rules.length === 0) return;
      const now = clock.now();
      if (hits.length > 0) notePressure(rules, hits, destination, now);
      if (!settings.guardEnabled) return;
      guard.sent({
        range: destination.range,
        shownRange: maskedRange(destination),
        country: countryKey(destination),
        ip: request.clientKey,
        at: now,
      });
    },

    /** A code was entered: the guard counts it for the range, country and client IP it was sent to. */
    async approved(code: {
      phone: string;
      country: string | null;
      clientKey: string | undefined;
      sentAt: number;
    }): Promise<void> {
      const settings = await deps.settings.get();
      if (!settings.guardEnabled) return;
      guard.approved({
        range: rangeOf(code.phone, code.country, settings.prefixWildcardDigits),
        country: code.country ?? 'intl',
        ip: code.clientKey,
        sentAt: code.sentAt,
      });
    },
  };
}

export type ProtectionService = ReturnType<typeof createProtectionService>;
