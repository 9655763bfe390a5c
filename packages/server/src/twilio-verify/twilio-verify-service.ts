import type { Kysely } from 'kysely';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import { parsePhone } from '../phone.ts';
import type { VerificationService } from '../services/verification-service.ts';
import type { TwilioVerifyServiceRow } from '../storage/queries/twilio-verify-services.ts';
import * as services from '../storage/queries/twilio-verify-services.ts';
import type { TwilioVerifyVerificationRow } from '../storage/queries/twilio-verify-verifications.ts';
import * as verifications from '../storage/queries/twilio-verify-verifications.ts';
import { settlePendingVerification } from '../storage/queries/verifications.ts';
import type { Database, VerificationStatus } from '../storage/schema.ts';
import { invalidParameter } from './twilio-errors.ts';
import { newSid, type SendCodeAttempt, twilioDate } from './twilio-resources.ts';

/**
 * Which Passline template a Twilio verification uses. Twilio has one message for every purpose
 * (sign-up, sign-in, a transaction), so the purpose-neutral `Generic` usage fits; `SignIn` would
 * also mix these codes into the sign-in flows' statistics and their anti-enumeration rules.
 */
export const twilioUsage = 'Generic';

export interface TwilioVerifyCoreDeps {
  db: Kysely<Database>;
  clock: Clock;
  verifications: VerificationService;
}

export interface StartInput {
  to: string;
  channel: string;
  locale?: string;
  deviceIp?: string;
  /** The API key id, for protection's refusal events. */
  source: string;
}

/** A Twilio verification with the state of the Passline verification behind it. */
export interface VerificationState {
  row: TwilioVerifyVerificationRow;
  status: VerificationStatus;
}

export type TwilioVerify = ReturnType<typeof createTwilioVerify>;

/** Twilio Verify's resources over Passline's verification engine: codes, limits and protection are Passline's. */
export function createTwilioVerify(deps: TwilioVerifyCoreDeps) {
  const { db, clock } = deps;

  async function serviceOf(accountSid: string, sid: string): Promise<TwilioVerifyServiceRow> {
    const row = await services.findTwilioVerifyService(db, accountSid, sid);
    if (!row) throw new AppError('verification.not_found', `The requested resource /Services/${sid} was not found`);
    return row;
  }

  async function stateOf(row: TwilioVerifyVerificationRow): Promise<VerificationState> {
    const record = await deps.verifications.find(row.verification_id);
    return { row, status: record?.status ?? 'expired' };
  }

  const gone = (serviceSid: string, id: string) =>
    new AppError(
      'verification.not_found',
      `The requested resource /Services/${serviceSid}/Verifications/${id} was not found`,
    );

  /** By VE SID or by number (the service's newest verification for it). */
  async function find(serviceSid: string, sidOrTo: string): Promise<TwilioVerifyVerificationRow | undefined> {
    if (sidOrTo.startsWith('VE')) return verifications.findTwilioVerifyVerificationBySid(db, serviceSid, sidOrTo);
    return verifications.findLatestTwilioVerifyVerificationByPhone(db, serviceSid, parsePhone(sidOrTo).number);
  }

  /** A verification that can still take a code; anything approved, expired or canceled is gone, as in Twilio. */
  async function pending(accountSid: string, serviceSid: string, sidOrTo: string): Promise<VerificationState> {
    await serviceOf(accountSid, serviceSid);
    const row = await find(serviceSid, sidOrTo);
    const state = row && (await stateOf(row));
    if (state?.status !== 'pending') throw gone(serviceSid, sidOrTo);
    return state;
  }

  /** Records a resend on the verification, retrying if a concurrent resend moved it first. */
  async function recordResend(row: TwilioVerifyVerificationRow, verificationId: string, attempt: SendCodeAttempt) {
    let current: TwilioVerifyVerificationRow | undefined = row;
    for (let tries = 0; current && tries < 5; tries++) {
      const attempts = [...(JSON.parse(current.send_code_attempts) as SendCodeAttempt[]), attempt];
      const next = {
        verification_id: verificationId,
        send_code_attempts: JSON.stringify(attempts),
        updated_at: clock.now(),
      };
      if (await verifications.replaceTwilioVerifyCode(db, current.sid, current.verification_id, next)) {
        return { ...current, ...next };
      }
      current = await verifications.findTwilioVerifyVerificationBySid(db, current.service_sid, current.sid);
    }
    throw gone(row.service_sid, row.sid);
  }

  return {
    async createService(accountSid: string, input: { friendlyName: string; codeLength?: number }) {
      const now = clock.now();
      const row: TwilioVerifyServiceRow = {
        sid: newSid('VA'),
        account_sid: accountSid,
        friendly_name: input.friendlyName,
        code_length: input.codeLength ?? 6,
        created_at: now,
        updated_at: now,
      };
      await services.insertTwilioVerifyService(db, row);
      return row;
    },

    getService: serviceOf,

    async listServices(accountSid: string, page: number, pageSize: number) {
      const rows = await services.listTwilioVerifyServices(db, accountSid, page * pageSize, pageSize + 1);
      return { rows: rows.slice(0, pageSize), hasNext: rows.length > pageSize };
    },

    async updateService(accountSid: string, sid: string, input: { friendlyName?: string; codeLength?: number }) {
      await serviceOf(accountSid, sid);
      const updated = await services.updateTwilioVerifyService(db, accountSid, sid, {
        ...(input.friendlyName === undefined ? {} : { friendly_name: input.friendlyName }),
        ...(input.codeLength === undefined ? {} : { code_length: input.codeLength }),
        updated_at: clock.now(),
      });
      if (!updated)
        throw new AppError('verification.not_found', `The requested resource /Services/${sid} was not found`);
      return updated;
    },

    async deleteService(accountSid: string, sid: string): Promise<void> {
      if (!(await services.deleteTwilioVerifyService(db, accountSid, sid))) {
        throw new AppError('verification.not_found', `The requested resource /Services/${sid} was not found`);
      }
    },

    /**
     * Sends a code. While the number has a pending verification in this service, the send is a
     * resend: the same VE, one more entry in `send_code_attempts`. Passline keeps only a code's
     * HMAC, so a resend carries a fresh code and the engine cancels the previous one.
     */
    async start(accountSid: string, serviceSid: string, input: StartInput): Promise<VerificationState> {
      const service = await serviceOf(accountSid, serviceSid);
      if (input.channel !== 'sms') {
        throw invalidParameter('Channel', `the ${input.channel} channel is disabled; Passline sends SMS only`, 60223);
      }
      const phone = parsePhone(input.to).number;
      const latest = await verifications.findLatestTwilioVerifyVerificationByPhone(db, serviceSid, phone);
      const resend = latest && (await stateOf(latest)).status === 'pending' ? latest : undefined;
      const sent = await deps.verifications.send(
        {
          to: phone,
          usage: twilioUsage,
          ...(input.locale ? { locale: input.locale } : {}),
          ...(input.deviceIp ? { ip: input.deviceIp } : {}),
        },
        { codeLength: service.code_length, source: input.source, delivery: 'sync' },
      );
      const now = clock.now();
      const attempt: SendCodeAttempt = { attempt_sid: newSid('VL'), channel: 'sms', time: twilioDate(now) };
      if (resend) return { row: await recordResend(resend, sent.id, attempt), status: 'pending' };
      const row: TwilioVerifyVerificationRow = {
        sid: newSid('VE'),
        service_sid: serviceSid,
        phone,
        channel: 'sms',
        verification_id: sent.id,
        send_code_attempts: JSON.stringify([attempt]),
        created_at: now,
        updated_at: now,
      };
      await verifications.insertTwilioVerifyVerification(db, row);
      return { row, status: 'pending' };
    },

    fetch: pending,

    /** Twilio's update: `canceled` ends the verification, `approved` approves it without a code. */
    async settle(
      accountSid: string,
      serviceSid: string,
      sidOrTo: string,
      status: 'canceled' | 'approved',
    ): Promise<VerificationState> {
      const { row } = await pending(accountSid, serviceSid, sidOrTo);
      const settled = status === 'canceled' ? 'cancelled' : 'approved';
      const now = clock.now();
      if (!(await settlePendingVerification(db, row.verification_id, settled, now))) throw gone(serviceSid, sidOrTo);
      await verifications.touchTwilioVerifyVerification(db, row.sid, now);
      return { row: { ...row, updated_at: now }, status: settled };
    },

    /**
     * Checks a code: the right one approves (`approved`), a wrong one answers `pending` while
     * attempts remain; past the limit Passline's `verification.too_many_attempts` becomes 60202.
     */
    async check(
      accountSid: string,
      serviceSid: string,
      input: { code: string; to?: string; verificationSid?: string },
    ): Promise<VerificationState> {
      await serviceOf(accountSid, serviceSid);
      const target = input.verificationSid ?? input.to ?? '';
      // A VerificationSid is only ever a SID: "VerificationSid=+1…" must not be read as a number.
      const row =
        input.verificationSid === undefined
          ? await find(serviceSid, target)
          : await verifications.findTwilioVerifyVerificationBySid(db, serviceSid, input.verificationSid);
      if (!row) throw gone(serviceSid, target);
      const record = await deps.verifications.find(row.verification_id);
      // An exhausted code answers 60202 until it would have expired; then it is gone like the others.
      if (!record || (record.status === 'exhausted' && record.expiresAt <= clock.now())) throw gone(serviceSid, target);
      try {
        await deps.verifications.check(row.verification_id, input.code);
        return { row, status: 'approved' };
      } catch (error) {
        if (error instanceof AppError && error.code === 'verification.code_mismatch') return { row, status: 'pending' };
        throw error;
      }
    },
  };
}
