import { requiredUsageTypes } from '@passline/connector-kit';
import type { DeliveryAttempt } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { PhoneNumber } from 'libphonenumber-js/max';
import { ipLimitKey } from '../client-ip.ts';
import type { Clock } from '../clock.ts';
import { generateCode, hashCodeForStorage, newId, storedCodeMatches } from '../crypto/codes.ts';
import type { KeyRing } from '../crypto/keys.ts';
import { AppError } from '../errors.ts';
import type { CheckedWhere, Metrics } from '../metrics/create-metrics.ts';
import type { EventLogger } from '../metrics/security-events.ts';
import { maskPhone, parsePhone } from '../phone.ts';
import type { VerificationRow } from '../storage/queries/verifications.ts';
import * as verificationQueries from '../storage/queries/verifications.ts';
import type { Database, VerificationStatus } from '../storage/schema.ts';
import type { BackgroundTasks } from './background-tasks.ts';
import { DeliveryFailure, deliveryFailureToAppError } from './connectors/delivery-errors.ts';
import type { RateLimiter } from './limits/rate-limiter.ts';
import { sendLimitRules } from './limits/send-limits.ts';
import { isProtectionRule, type ProtectionService } from './protection/protection-service.ts';
import type { RoutedDeliver } from './routing/routed-delivery.ts';
import type { ResolvedChain, SmsRoutingService } from './routing/sms-routing.ts';
import type { SettingsService, VerificationSettings } from './settings-service.ts';
import { createVerificationTelemetry, lastConnector } from './verification-telemetry.ts';

export const verificationUsages = requiredUsageTypes;
export type VerificationUsage = (typeof verificationUsages)[number];

export interface VerificationView {
  id: string;
  /** Masked: the caller already knows the number; logs and screens should not repeat it. */
  to: string;
  usage: string;
  status: VerificationStatus;
  expiresAt: string;
  /** A synchronous send: each connector tried, in order (more than one after a failover). */
  attempts?: DeliveryAttempt[];
}

/**
 * How a send reaches the provider:
 * - `sync` (Verification API): the response waits for the provider, and provider errors come back;
 * - `background` (end-user flows): the response returns once the code is stored and the limits
 *   are counted; delivery finishes afterwards and failures go to the message log. Registered and
 *   unregistered numbers then take the same time to answer;
 * - `suppressed`: everything `background` does except calling the provider, for numbers that must
 *   not receive a code (a sign-in code for a number with no account) while the answer looks the same.
 */
export type DeliveryMode = 'sync' | 'background' | 'suppressed';

export interface SendOptions {
  delivery?: DeliveryMode;
  /** Who asked, for protection's refusal events: the API key id, or the end-user flow. */
  source?: string;
  /** The public Experience API passes the client's challenge solution (protection may ask for one). */
  challenge?: { solution: string | undefined };
  /** Digits in the code, for APIs that let the caller choose (Twilio Verify's CodeLength); else the setting. */
  codeLength?: number;
}

/** A code issued by another system (an identity server using Passline as its SMS backend). */
export interface RelayInput {
  to: string;
  usage: string;
  code: string;
  locale?: string;
  ip?: string;
}

/** Internal view with the full number, for the end-user flows built on verifications. */
export interface VerificationRecord {
  id: string;
  phone: string;
  usage: string;
  status: VerificationStatus;
  expiresAt: number;
  updatedAt: number;
}

export interface VerificationServiceDeps {
  db: Kysely<Database>;
  /** Which connectors a number's code goes through (routing; the active connector in the simple mode). */
  routing: Pick<SmsRoutingService, 'chainFor'>;
  /** Sends through a chain with failover. */
  deliverRouted: RoutedDeliver;
  limiter: RateLimiter;
  protection: ProtectionService;
  settings: SettingsService;
  keys: KeyRing;
  clock: Clock;
  /** Injected so tests can fix codes; production uses crypto.randomInt. */
  generateCode?: (length: number) => string;
  /** Runs `background` deliveries after the answer (their failures are in the message log too). */
  background: BackgroundTasks;
  /** Sends, refusals and checks by outcome. */
  metrics: Metrics;
  /** The `verification.*` security events. */
  logger: EventLogger;
}

export type VerificationService = ReturnType<typeof createVerificationService>;

/** A pending code past its expiry is expired, even before a check has written that down. */
function currentStatus(row: VerificationRow, now: number): VerificationStatus {
  return row.status === 'pending' && row.expires_at <= now ? 'expired' : row.status;
}

export function createVerificationService(deps: VerificationServiceDeps) {
  const { db, clock, keys } = deps;
  const makeCode = deps.generateCode ?? generateCode;
  const telemetry = createVerificationTelemetry(deps);

  function view(row: VerificationRow, now: number): VerificationView {
    return {
      id: row.id,
      to: maskPhone(row.phone),
      usage: row.usage,
      status: currentStatus(row, now),
      expiresAt: new Date(row.expires_at).toISOString(),
    };
  }

  /** Why a verification can no longer take a guess, as the error the caller gets. */
  function notCheckable(row: VerificationRow, now: number): AppError {
    if (row.status === 'approved') return new AppError('verification.already_used');
    if (row.status === 'cancelled') {
      return new AppError('verification.cancelled');
    }
    if (row.status === 'exhausted' || row.attempts >= row.max_attempts) {
      return new AppError('verification.too_many_attempts');
    }
    if (row.status === 'expired' || row.expires_at <= now) {
      return new AppError('verification.expired');
    }
    return new AppError('verification.already_used');
  }

  /**
   * Delivers through the number's chain (failover included), then cancels older pending codes; a
   * failed delivery cancels this code instead. Answers what each connector tried did.
   */
  async function deliverCode(
    row: VerificationRow,
    code: string,
    chain: ResolvedChain,
    settings: VerificationSettings,
    locale: string | undefined,
    olderPending: boolean,
    country: string | null,
  ): Promise<DeliveryAttempt[]> {
    let attempts: DeliveryAttempt[];
    try {
      ({ attempts } = await deps.deliverRouted(
        chain.connectors,
        {
          to: row.phone,
          usage: row.usage,
          locale,
          payload: { code, expiresInMinutes: String(Math.round(settings.codeTtlSeconds / 60)) },
        },
        { verificationId: row.id, isTest: false, country },
      ));
    } catch (error) {
      if (error instanceof DeliveryFailure) {
        telemetry.sent(row, 'failed', lastConnector(error.attempts), error.connectorError.kind);
      }
      await verificationQueries.settlePendingVerification(db, row.id, 'cancelled', clock.now());
      throw error instanceof DeliveryFailure ? deliveryFailureToAppError(error, 'public') : error;
    }
    telemetry.sent(row, 'sent', lastConnector(attempts));
    if (olderPending) {
      await verificationQueries.cancelOtherPendingVerifications(db, row.phone, row.usage, row.id, clock.now());
    }
    return attempts;
  }

  /**
   * Protection's screening, then every send limit (and protection's budgets) counted before any
   * provider is called; throws the refusal. Shared by codes Passline issues and codes it relays.
   */
  async function admit(
    parsed: PhoneNumber,
    clientKey: string | undefined,
    settings: VerificationSettings,
    ip: string | undefined,
    options: SendOptions,
  ): Promise<void> {
    const phone = parsed.number;
    const screened = await deps.protection.screen({
      phone: parsed,
      ip,
      clientKey,
      source: options.source ?? 'api',
      ...(options.challenge ? { challenge: options.challenge } : {}),
    });
    const limits = sendLimitRules(phone, clientKey, settings);
    let decision = await deps.limiter.consume(screened.rules.length > 0 ? [...limits, ...screened.rules] : limits);
    if (!decision.allowed && isProtectionRule(decision.rule)) {
      // Throws, unless protection only records: then the send is counted without its budgets.
      await deps.protection.overBudget(screened, decision.rule, decision.retryAfterMs);
      decision = await deps.limiter.consume(limits);
      if (decision.allowed) deps.protection.counted(screened, []);
    } else if (decision.allowed && screened.rules.length > 0) {
      deps.protection.counted(screened, decision.hits.slice(limits.length));
    }
    if (!decision.allowed) {
      const retryAfterSeconds = Math.max(1, Math.ceil(decision.retryAfterMs / 1000));
      throw new AppError(
        decision.rule.code,
        decision.rule.code === 'rate_limit.resend_cooldown'
          ? `A code was just sent to this number; wait ${retryAfterSeconds} s before asking again.`
          : `Too many codes requested; try again in ${retryAfterSeconds} s.`,
        { retryAfterSeconds, limit: decision.rule.limit, windowSeconds: decision.rule.windowMs / 1000 },
        retryAfterSeconds,
      );
    }
  }

  /**
   * Checks a code. An attempt slot is taken atomically before the code is compared, so at most
   * `maxAttempts` guesses are ever evaluated, and approval is a conditional update, so a code is
   * approved exactly once however many requests race.
   */
  /** `where` learns the code's country and first connector, for the dashboard. */
  async function checkCode(id: string, code: string, where: CheckedWhere): Promise<{ id: string; status: 'approved' }> {
    const now = clock.now();
    // Reserve first: on the common path (a pending, unexpired code) that is the only read needed.
    const slot = await verificationQueries.reserveVerificationAttempt(db, id, now);
    if (!slot) {
      const row = await verificationQueries.findVerificationById(db, id);
      if (!row) throw new AppError('verification.not_found');
      Object.assign(where, { country: row.country, connector: row.connector_id });
      if (row.status === 'pending' && row.expires_at <= now) {
        await verificationQueries.settlePendingVerification(db, id, 'expired', now);
      }
      throw notCheckable(row, now);
    }
    Object.assign(where, { country: slot.country, connector: slot.connector_id });
    if (storedCodeMatches(keys, id, code, slot.code_hash)) {
      if (await verificationQueries.settlePendingVerification(db, id, 'approved', now)) {
        await deps.protection.approved({
          phone: slot.phone,
          country: slot.country,
          clientKey: slot.ip === null ? undefined : ipLimitKey(slot.ip),
          sentAt: slot.created_at,
        });
        return { id, status: 'approved' };
      }
      throw new AppError('verification.already_used');
    }
    const remainingAttempts = slot.max_attempts - slot.attempts;
    if (remainingAttempts <= 0) await verificationQueries.settlePendingVerification(db, id, 'exhausted', now);
    throw new AppError(
      'verification.code_mismatch',
      remainingAttempts > 0
        ? `The code is wrong; ${remainingAttempts} attempt${remainingAttempts === 1 ? '' : 's'} left.`
        : 'The code is wrong, and that was the last attempt; request a new code.',
      { remainingAttempts },
    );
  }

  return {
    /**
     * Issues a code: validate, check every send limit before the provider is called, store only the
     * code's HMAC, deliver, and only then cancel the previous pending code for the same number and
     * usage (so a failed delivery does not strand the user without a working code).
     */
    async send(
      input: { to: string; usage: VerificationUsage; locale?: string; ip?: string },
      options: SendOptions = {},
    ): Promise<VerificationView> {
      const delivery = options.delivery ?? 'sync';
      const parsed = parsePhone(input.to);
      const phone = parsed.number;
      const clientKey = input.ip === undefined ? undefined : ipLimitKey(input.ip);
      const [settings, chain] = await Promise.all([
        deps.settings.getVerificationSettings(),
        deps.routing.chainFor(parsed.number, parsed.country),
      ]);
      const first = chain.connectors[0];
      const to = { phone, usage: input.usage, country: parsed.country };
      if (!first) {
        telemetry.noConnector('verification', to);
        throw new AppError('connector.none_active');
      }
      await admit(parsed, clientKey, settings, input.ip, options).catch(telemetry.refused('verification', to, options));

      const now = clock.now();
      const id = newId('vrf');
      const code = makeCode(options.codeLength ?? settings.codeLength);
      const row: VerificationRow = {
        id,
        phone,
        usage: input.usage,
        code_hash: hashCodeForStorage(keys, id, code),
        status: 'pending',
        attempts: 0,
        max_attempts: settings.maxAttempts,
        expires_at: now + settings.codeTtlSeconds * 1000,
        created_at: now,
        updated_at: now,
        connector_id: first.row.id,
        ip: input.ip ?? null,
        country: parsed.country ?? null,
      };
      const { olderPending } = await verificationQueries.insertVerification(db, row);

      if (delivery === 'suppressed') {
        telemetry.sent(row, 'suppressed', null);
        return view(row, now);
      }
      const deliver = () => deliverCode(row, code, chain, settings, input.locale, olderPending, parsed.country ?? null);
      if (delivery === 'background') {
        deps.background.run(async () => {
          await deliver();
        });
        return view(row, now);
      }
      return { ...view(row, now), attempts: await deliver() };
    },

    /**
     * Delivers a code another system issued and will check itself: the same protection, limits,
     * routing with failover and message log as `send`, but nothing is stored to check against.
     */
    async relay(input: RelayInput, options: SendOptions = {}): Promise<{ attempts: DeliveryAttempt[] }> {
      const parsed = parsePhone(input.to);
      const clientKey = input.ip === undefined ? undefined : ipLimitKey(input.ip);
      const [settings, chain] = await Promise.all([
        deps.settings.getVerificationSettings(),
        deps.routing.chainFor(parsed.number, parsed.country),
      ]);
      const to = { phone: parsed.number, usage: input.usage, country: parsed.country };
      if (!chain.connectors[0]) {
        telemetry.noConnector('relay', to);
        throw new AppError('connector.none_active');
      }
      await admit(parsed, clientKey, settings, input.ip, options).catch(telemetry.refused('relay', to, options));
      try {
        const outcome = await deps.deliverRouted(
          chain.connectors,
          {
            to: parsed.number,
            usage: input.usage,
            locale: input.locale,
            payload: { code: input.code, expiresInMinutes: String(Math.round(settings.codeTtlSeconds / 60)) },
          },
          { verificationId: null, isTest: false, country: parsed.country ?? null },
        );
        telemetry.relayed(to, 'sent', outcome.connectorId);
        return outcome;
      } catch (error) {
        if (error instanceof DeliveryFailure) telemetry.relayed(to, 'failed', lastConnector(error.attempts));
        throw error instanceof DeliveryFailure ? deliveryFailureToAppError(error, 'public') : error;
      }
    },

    /** Checks a code (`checkCode`), counting and logging its outcome. */
    async check(id: string, code: string): Promise<{ id: string; status: 'approved' }> {
      const where: CheckedWhere = {};
      return checkCode(id, code, where).then(
        (approved) => {
          telemetry.checked(id, { approved: true }, where);
          return approved;
        },
        (error: unknown) => {
          telemetry.checked(id, { error }, where);
          throw error;
        },
      );
    },

    /** The stored facts of a verification (full number included), or undefined. Never the code. */
    async find(id: string): Promise<VerificationRecord | undefined> {
      const row = await verificationQueries.findVerificationById(db, id);
      if (!row) return undefined;
      return {
        id: row.id,
        phone: row.phone,
        usage: row.usage,
        status: currentStatus(row, clock.now()),
        expiresAt: row.expires_at,
        updatedAt: row.updated_at,
      };
    },

    async get(id: string): Promise<VerificationView> {
      const row = await verificationQueries.findVerificationById(db, id);
      if (!row) throw new AppError('verification.not_found');
      return view(row, clock.now());
    },
  };
}
