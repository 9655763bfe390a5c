/**
 * Security events: log lines with a stable `event` field that a SIEM or a log query can select on
 * (docs/operations.md lists each one and its fields). The fields below are all there is: a masked
 * number (phone.ts's maskPhone), ids, codes of outcomes, never a verification code, a secret or a
 * full phone number.
 */
export interface SecurityEventFields {
  'verification.sent': {
    verificationId: string;
    /** Masked. */
    to: string;
    usage: string;
    country: string | null;
    connector: string | null;
    outcome: 'sent' | 'failed' | 'suppressed';
    /** When failed: the last connector's failure kind. */
    reason?: string;
  };
  'verification.refused': {
    to: string;
    usage: string;
    country: string | null;
    /** The error code of the refusal (`rate_limit.phone`, `fraud.country_blocked`, ...). */
    reason: string;
    source: string;
  };
  'verification.checked': {
    verificationId: string;
    outcome: string;
    /** Guesses left after a wrong code; absent otherwise. */
    remainingAttempts?: number;
  };
  'account.signed_in': {
    userId: string;
    method: 'code' | 'password' | 'register';
    /** `experience` (Experience API, a Passline session) or `oidc` (an OpenID Connect interaction). */
    via: 'experience' | 'oidc';
  };
  'account.sign_in_failed': {
    method: 'code' | 'password' | 'register';
    via: 'experience' | 'oidc';
    /** The error code answered. */
    reason: string;
  };
  'token.refresh_reuse_detected': {
    userId: string;
    /** The session (refresh-token family) that was revoked. */
    sessionId: string;
  };
  'protection.tripped': {
    /** The protection rule (its refusal code). */
    rule: string;
    /** false in record-only mode: the send went ahead. */
    enforced: boolean;
    country: string | null;
    /** The number's range, masked (`+4479*******`). */
    range: string;
    source: string;
  };
  'admin.signed_in': {
    adminId: string;
    username: string;
    ip: string;
    /** `totp` or `recovery_code` when a second factor was asked for; absent otherwise. */
    secondFactor?: string;
  };
  'admin.sign_in_failed': {
    /** Only when it names an admin: a password typed into the username field stays out of the log. */
    username: string | null;
    ip: string;
  };
  'admin.locked_out': {
    username: string | null;
    ip: string;
  };
  'delivery.failed': {
    /** `provider`: the provider refused or failed the call; `receipt`: it reported the message undelivered. */
    stage: 'provider' | 'receipt';
    connector: string | null;
    factory: string;
    /** provider: the failure's kind (`timeout`, `invalid_recipient`, ...). */
    kind?: string;
    providerCode?: string | null;
    to?: string;
    country?: string | null;
    messageId?: string;
  };
}

export type SecurityEvent = keyof SecurityEventFields;

/** Every event name, for docs/operations.md's test (`satisfies` keeps the list complete). */
export const securityEventNames = Object.keys({
  'verification.sent': true,
  'verification.refused': true,
  'verification.checked': true,
  'account.signed_in': true,
  'account.sign_in_failed': true,
  'token.refresh_reuse_detected': true,
  'protection.tripped': true,
  'admin.signed_in': true,
  'admin.sign_in_failed': true,
  'admin.locked_out': true,
  'delivery.failed': true,
} satisfies Record<SecurityEvent, true>) as SecurityEvent[];

/** pino's Logger and the connector kit's logger both fit. */
export interface EventLogger {
  info(object: Record<string, unknown>, message: string): void;
  warn(object: Record<string, unknown>, message: string): void;
}

const warnings = new Set<SecurityEvent>([
  'token.refresh_reuse_detected',
  'protection.tripped',
  'delivery.failed',
  'account.sign_in_failed',
  'admin.sign_in_failed',
  'admin.locked_out',
]);

/** Writes one event line: `{"event":"verification.sent", ...fields}` with the event name as message. */
export function logEvent<E extends SecurityEvent>(
  logger: EventLogger | undefined,
  event: E,
  fields: SecurityEventFields[E],
): void {
  if (!logger) return;
  const line = { event, ...fields };
  if (warnings.has(event)) logger.warn(line, event);
  else logger.info(line, event);
}
