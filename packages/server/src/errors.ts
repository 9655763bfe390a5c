/**
 * Every error code Passline answers with, its HTTP status and what it means. `docs/errors.md`
 * documents each one; a test fails when a code here is missing there.
 */
export const errorCatalog = {
  'request.invalid': {
    status: 400,
    description: 'The request body, query or path failed validation; `details.issues` lists each problem.',
  },
  'request.malformed_json': { status: 400, description: 'The body is not valid JSON.' },
  'request.too_large': { status: 413, description: 'The body is larger than the limit (64 KiB).' },
  'request.unsupported_media_type': { status: 415, description: 'The body is not `application/json`.' },
  'route.not_found': { status: 404, description: 'No route for this method and path.' },
  'auth.missing_credentials': { status: 401, description: 'No `Authorization: Bearer <API key>` header.' },
  'auth.invalid_credentials': { status: 401, description: 'The API key is unknown or revoked.' },
  'auth.insufficient_scope': { status: 403, description: 'The API key does not have the scope this route needs.' },
  'phone.invalid': { status: 400, description: 'The phone number is not a valid international (E.164) number.' },
  'verification.not_found': { status: 404, description: 'No verification with this id.' },
  'verification.code_mismatch': {
    status: 400,
    description: 'The code is wrong; `details.remainingAttempts` says how many tries are left.',
  },
  'verification.expired': { status: 410, description: 'The code expired; send a new one.' },
  'verification.cancelled': {
    status: 410,
    description: 'The code was replaced by a newer one for the same number and usage, or its delivery failed.',
  },
  'verification.too_many_attempts': {
    status: 429,
    description: 'The attempt limit for this code was reached; send a new one.',
  },
  'verification.already_used': { status: 409, description: 'The code was already used successfully.' },
  'rate_limit.resend_cooldown': {
    status: 429,
    description: 'A code was sent to this number moments ago; wait `Retry-After` seconds.',
  },
  'rate_limit.phone': {
    status: 429,
    description: 'Too many codes sent to this number in the window (hourly or daily cap).',
  },
  'rate_limit.ip': { status: 429, description: 'Too many codes requested from this IP address in the window.' },
  'connector.none_active': {
    status: 503,
    description: 'No SMS connector is active; set one up in the console or with `POST /api/connectors`.',
  },
  'connector.not_found': { status: 404, description: 'No connector with this id.' },
  'connector.factory_not_found': { status: 404, description: 'No connector factory with this id.' },
  'connector.invalid_config': {
    status: 400,
    description: 'The connector configuration is invalid; `details.issues` lists each field.',
  },
  'connector.secret_unreadable': {
    status: 500,
    description: 'A stored secret cannot be decrypted with the configured key (wrong `PASSLINE_ENCRYPTION_KEY`).',
  },
  'delivery.invalid_recipient': {
    status: 400,
    description: 'The provider refused the number (not a mobile number, wrong format, unreachable country).',
  },
  'delivery.rate_limited': { status: 429, description: 'The provider throttled the message.' },
  'delivery.rejected': {
    status: 502,
    description:
      'The provider refused the message (template, sign name, account or configuration problem); admins see the provider error in the message log.',
  },
  'delivery.provider_unavailable': {
    status: 502,
    description: 'The provider could not be reached or answered with a server error.',
  },
  'delivery.timeout': {
    status: 504,
    description: 'The provider did not answer in time; the message may or may not have been sent.',
  },
  'settings.invalid': {
    status: 400,
    description: 'The settings are inconsistent (for example an hourly cap above the daily cap).',
  },
  'service.unavailable': { status: 503, description: 'A dependency (database, Redis) is unavailable.' },
  'internal.error': {
    status: 500,
    description: 'An unexpected error; the response carries a request id and the server logged it.',
  },
} as const satisfies Record<string, { status: number; description: string }>;

export type ErrorCode = keyof typeof errorCatalog;

export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    /** Seconds for a Retry-After header. */
    readonly retryAfterSeconds?: number,
  ) {
    super(message);
    this.status = errorCatalog[code].status;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
