import { randomBytes } from 'node:crypto';
import type { TwilioVerifyServiceRow } from '../storage/queries/twilio-verify-services.ts';
import type { TwilioVerifyVerificationRow } from '../storage/queries/twilio-verify-verifications.ts';
import type { VerificationStatus } from '../storage/schema.ts';

/** A Twilio-style SID: two letters and 32 lowercase hex digits from the CSPRNG (not guessable). */
export function newSid(prefix: 'VA' | 'VE' | 'VL'): string {
  return `${prefix}${randomBytes(16).toString('hex')}`;
}

export const sidPattern = (prefix: string) => new RegExp(`^${prefix}[0-9a-f]{32}$`);

/** Twilio's ISO 8601 form, to the second: the SDK parses exactly `YYYY-MM-DDTHH:mm:ssZ`. */
export function twilioDate(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Passline's verification states in Twilio's words. */
export function twilioStatus(status: VerificationStatus): string {
  switch (status) {
    case 'cancelled':
      return 'canceled';
    case 'exhausted':
      return 'max_attempts_reached';
    default:
      return status;
  }
}

export interface SendCodeAttempt {
  attempt_sid: string;
  channel: string;
  time: string;
}

export function serviceResource(row: TwilioVerifyServiceRow, baseUrl: string) {
  const url = `${baseUrl}/v2/Services/${row.sid}`;
  return {
    sid: row.sid,
    account_sid: row.account_sid,
    friendly_name: row.friendly_name,
    code_length: row.code_length,
    // The options Passline does not implement, at the values that describe what it does.
    lookup_enabled: false,
    psd2_enabled: false,
    skip_sms_to_landlines: false,
    dtmf_input_required: false,
    tts_name: null,
    do_not_share_warning_enabled: false,
    custom_code_enabled: false,
    push: { include_date: false, apn_credential_sid: null, fcm_credential_sid: null },
    totp: { issuer: null, time_step: null, code_length: null, skew: null },
    whatsapp: { msg_service_sid: null, from: null },
    passkeys: null,
    default_template_sid: null,
    verify_event_subscription_enabled: false,
    date_created: twilioDate(row.created_at),
    date_updated: twilioDate(row.updated_at),
    url,
    links: {
      verifications: `${url}/Verifications`,
      verification_checks: `${url}/VerificationCheck`,
    },
  };
}

export function verificationResource(
  row: TwilioVerifyVerificationRow,
  accountSid: string,
  status: VerificationStatus,
  baseUrl: string,
) {
  return {
    sid: row.sid,
    service_sid: row.service_sid,
    account_sid: accountSid,
    to: row.phone,
    channel: row.channel,
    status: twilioStatus(status),
    valid: status === 'approved',
    lookup: {},
    amount: null,
    payee: null,
    send_code_attempts: JSON.parse(row.send_code_attempts) as SendCodeAttempt[],
    date_created: twilioDate(row.created_at),
    date_updated: twilioDate(row.updated_at),
    sna: null,
    url: `${baseUrl}/v2/Services/${row.service_sid}/Verifications/${row.sid}`,
  };
}

export function verificationCheckResource(
  row: TwilioVerifyVerificationRow,
  accountSid: string,
  status: VerificationStatus,
  now: number,
) {
  return {
    sid: row.sid,
    service_sid: row.service_sid,
    account_sid: accountSid,
    to: row.phone,
    channel: row.channel,
    status: twilioStatus(status),
    valid: status === 'approved',
    amount: null,
    payee: null,
    date_created: twilioDate(row.created_at),
    date_updated: twilioDate(now),
    sna_attempts_error_codes: [],
  };
}

/** Twilio's paging envelope (`meta`), with absolute URLs as the SDK follows `next_page_url` as is. */
export function pageMeta(input: { key: string; listUrl: string; page: number; pageSize: number; hasNext: boolean }) {
  const at = (page: number) => `${input.listUrl}?PageSize=${input.pageSize}&Page=${page}`;
  return {
    page: input.page,
    page_size: input.pageSize,
    first_page_url: at(0),
    previous_page_url: input.page > 0 ? at(input.page - 1) : null,
    url: at(input.page),
    next_page_url: input.hasNext ? at(input.page + 1) : null,
    key: input.key,
  };
}
