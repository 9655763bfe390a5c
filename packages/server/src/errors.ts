import type { ErrorCode } from '@passline/contracts';

export type { ErrorCode };

/**
 * Every error code Passline answers with: its HTTP status, the message an answer carries when the
 * throw site has nothing more specific to say, and what it means. `docs/errors.md` documents each
 * one; a test fails when a code here is missing there. The codes themselves are listed in
 * @passline/contracts (`errorCodes`), which the browser code shares: the type below makes this
 * catalogue name exactly those, so a new code goes into both.
 */
export const errorCatalog = {
  'request.invalid': {
    status: 400,
    message: 'Invalid request.',
    description: 'The request body, query or path failed validation; `details.issues` lists each problem.',
  },
  'request.malformed_json': {
    status: 400,
    message: 'The body is not valid JSON.',
    description: 'The body is not valid JSON.',
  },
  'request.too_large': {
    status: 413,
    message: 'The request body is larger than 64 KiB.',
    description: 'The body is larger than the limit (64 KiB).',
  },
  'request.unsupported_media_type': {
    status: 415,
    message: 'Send the body as application/json.',
    description: 'The body is not `application/json`.',
  },
  'route.not_found': {
    status: 404,
    message: 'No route for this method and path.',
    description: 'No route for this method and path.',
  },
  'auth.missing_credentials': {
    status: 401,
    message: 'Send an API key as "Authorization: Bearer <key>".',
    description: 'No `Authorization: Bearer <API key>` header.',
  },
  'auth.invalid_credentials': {
    status: 401,
    message: 'The API key is unknown or revoked.',
    description: 'The API key is unknown or revoked.',
  },
  'auth.insufficient_scope': {
    status: 403,
    message: 'This route needs an API key with the admin scope.',
    description: 'The API key does not have the scope this route needs.',
  },
  'auth.session_invalid': {
    status: 401,
    message: 'Your console session has ended. Sign in again.',
    description: 'The console session cookie is unknown, expired or signed out; sign in again.',
  },
  'auth.csrf_invalid': {
    status: 403,
    message: 'This request needs the x-csrf-token header of your console session.',
    description: 'A console request that changes something lacks the `x-csrf-token` header of its session.',
  },
  'admin.invalid_credentials': {
    status: 401,
    message: 'The username or password is wrong.',
    description: 'The username or password is wrong.',
  },
  'admin.too_many_attempts': {
    status: 429,
    message: 'Too many attempts; try again later.',
    description:
      'Too many sign-in or setup attempts for this account or from this IP address; wait `Retry-After` seconds.',
  },
  'admin.setup_token_invalid': {
    status: 403,
    message: 'This setup token is wrong or expired. Copy the one printed in the server log.',
    description:
      'The setup token is wrong, expired or already used (the server log of a start without admins shows it).',
  },
  'admin.already_set_up': {
    status: 409,
    message: 'An admin already exists. Sign in instead.',
    description: 'An admin already exists; sign in instead of setting up.',
  },
  'admin.username_taken': {
    status: 409,
    message: 'An admin with this username already exists.',
    description: 'An admin with this username already exists.',
  },
  'admin.two_factor_invalid': {
    status: 401,
    message: 'The code is wrong, expired or already used. Enter the current code from your authenticator app.',
    description:
      'The TOTP code is wrong, outside the accepted 30-second steps or already used, or the recovery code is wrong or used. Each attempt counts toward the sign-in limits.',
  },
  'admin.two_factor_required': {
    status: 403,
    message: 'Two-factor sign-in is required for every admin.',
    description:
      'Two-factor sign-in is required for every admin, so it cannot be turned off; or an admin tried to require it without having it on their own account.',
  },
  'admin.two_factor_not_enabled': {
    status: 409,
    message: 'Two-factor sign-in is not set up for this admin.',
    description: 'The action needs two-factor sign-in set up (or an enrolment started) first.',
  },
  'admin.two_factor_already_enabled': {
    status: 409,
    message: 'Two-factor sign-in is already on. Turn it off first to use another device.',
    description: 'Two-factor sign-in is already on for this admin; turn it off before enrolling again.',
  },
  'admin.two_factor_unreadable': {
    status: 503,
    message: "This admin's two-factor secret cannot be decrypted with the configured encryption keys.",
    description:
      "The admin's stored TOTP secret cannot be decrypted: `details.keyId` names the encryption key that wrote it, which is not configured (set `PASSLINE_ENCRYPTION_KEY` to it or add it to `PASSLINE_ENCRYPTION_KEYS_PREVIOUS`), or turn it off with `passline admins reset-two-factor`.",
  },
  'admin.sign_in_step_invalid': {
    status: 401,
    message: 'This sign-in has expired. Sign in again with your username and password.',
    description:
      'The pending token of a two-step sign-in is unknown, expired (after 5 minutes), used, or had too many wrong codes; start again with the password.',
  },
  'phone.invalid': {
    status: 400,
    message: 'The phone number is not a valid international number, e.g. +12015550123.',
    description: 'The phone number is not a valid international (E.164) number.',
  },
  'verification.not_found': {
    status: 404,
    message: 'No verification with this id.',
    description: 'No verification with this id.',
  },
  'verification.code_mismatch': {
    status: 400,
    message: 'The code is wrong.',
    description: 'The code is wrong; `details.remainingAttempts` says how many tries are left.',
  },
  'verification.expired': {
    status: 410,
    message: 'This code has expired; request a new one.',
    description: 'The code expired; send a new one.',
  },
  'verification.cancelled': {
    status: 410,
    message: 'This code is no longer valid; a newer code was sent or delivery failed.',
    description: 'The code was replaced by a newer one for the same number and usage, or its delivery failed.',
  },
  'verification.too_many_attempts': {
    status: 429,
    message: 'Too many wrong attempts; request a new code.',
    description: 'The attempt limit for this code was reached; send a new one.',
  },
  'verification.already_used': {
    status: 409,
    message: 'This code was already used.',
    description: 'The code was already used successfully.',
  },
  'rate_limit.resend_cooldown': {
    status: 429,
    message: 'A code was just sent to this number; wait before asking again.',
    description: 'A code was sent to this number moments ago; wait `Retry-After` seconds.',
  },
  'rate_limit.phone': {
    status: 429,
    message: 'Too many codes requested; try again later.',
    description: 'Too many codes sent to this number in the window (hourly or daily cap).',
  },
  'rate_limit.ip': {
    status: 429,
    message: 'Too many codes requested; try again later.',
    description: 'Too many codes requested from this IP address in the window.',
  },
  'rate_limit.prefix': {
    status: 429,
    message: 'Too many codes requested for numbers like this one; try again later.',
    description:
      'The hourly budget of the number range (numbers that share all but their last digits) is spent; see docs/protection.md.',
  },
  'rate_limit.country': {
    status: 429,
    message: 'Too many codes requested for this country; try again later.',
    description: "The destination country's hourly budget is spent.",
  },
  'rate_limit.global': {
    status: 429,
    message: 'The service is sending too many codes right now; try again later.',
    description: "The deployment's hourly or daily budget is spent.",
  },
  'fraud.country_blocked': {
    status: 403,
    message: 'Codes cannot be sent to numbers in this country.',
    description: 'The destination country is not allowed by the protection settings.',
  },
  'fraud.number_type_blocked': {
    status: 403,
    message: 'Codes cannot be sent to this kind of number.',
    description: 'The number type (premium rate, toll-free, satellite, ...) is not allowed by the protection settings.',
  },
  'fraud.low_conversion': {
    status: 429,
    message: 'Codes cannot be sent to numbers like this one right now; try again later.',
    description:
      'Codes sent to this number range, client IP or country are mostly never entered, so the conversion guard refuses more for a while.',
  },
  'fraud.challenge_required': {
    status: 400,
    message: 'Solve the challenge first: send its solution in the `challenge` field.',
    description: 'The Experience API asks for a solved challenge (proof of work or CAPTCHA) before it sends a code.',
  },
  'fraud.challenge_failed': {
    status: 400,
    message: 'The challenge solution is wrong, expired or already used; solve a new one.',
    description: 'The challenge solution did not verify.',
  },
  'connector.none_active': {
    status: 503,
    message: 'No SMS connector is active. Set one up in the console or with POST /api/connectors.',
    description: 'No SMS connector is active; set one up in the console or with `POST /api/connectors`.',
  },
  'connector.not_found': {
    status: 404,
    message: 'No connector with this id.',
    description: 'No connector with this id.',
  },
  'connector.factory_not_found': {
    status: 404,
    message: 'No connector factory with this id.',
    description: 'No connector factory with this id.',
  },
  'connector.invalid_config': {
    status: 400,
    message: 'The connector configuration is invalid.',
    description: 'The connector configuration is invalid; `details.issues` lists each field.',
  },
  'connector.template_invalid': {
    status: 500,
    message:
      'The SMS template for this message is missing or invalid. An administrator can see why in the message log.',
    description:
      'The active connector has no template for this usage, or its template uses a variable Passline does not fill; the provider was not called. An admin fixes the templates; `details.messageLogId` names the message-log entry.',
  },
  'connector.secret_unreadable': {
    status: 503,
    message: "The connector's stored secrets cannot be decrypted.",
    description:
      "The connector's stored secrets cannot be decrypted: `details.keyId` names the encryption key that wrote them, which is not configured (set `PASSLINE_ENCRYPTION_KEY` to it or add it to `PASSLINE_ENCRYPTION_KEYS_PREVIOUS`); without `keyId` the stored value is damaged.",
  },
  'delivery.invalid_recipient': {
    status: 400,
    message: 'The SMS provider cannot deliver to this phone number.',
    description: 'The provider refused the number (not a mobile number, wrong format, unreachable country).',
  },
  'delivery.rate_limited': {
    status: 429,
    message: 'The SMS provider is throttling messages to this number; try again later.',
    description: 'The provider throttled the message; `Retry-After` says how long to wait.',
  },
  'delivery.rejected': {
    status: 502,
    message: 'The SMS provider refused the message. An administrator can see why in the message log.',
    description:
      'The provider refused the message (template, sign name, account or configuration problem); admins see the provider error in the message log.',
  },
  'delivery.provider_unavailable': {
    status: 502,
    message: 'The SMS provider is unavailable; try again later.',
    description: 'The provider could not be reached or answered with a server error.',
  },
  'delivery.timeout': {
    status: 504,
    message: 'The SMS provider did not answer in time; the message may still arrive.',
    description: 'The provider did not answer in time; the message may or may not have been sent.',
  },
  'webhook.not_found': {
    status: 404,
    message: 'No connector here takes delivery receipts.',
    description:
      'A delivery receipt was sent for a connector that does not exist, belongs to another connector type, or whose provider sends no receipts; check the URL in the provider console against the connector page.',
  },
  'webhook.forbidden': {
    status: 403,
    message: 'The delivery receipt is not authentic.',
    description:
      "A delivery receipt's signature (Twilio) or URL token (Aliyun, Tencent) does not match the connector, or the body is not its provider's; nothing was recorded.",
  },
  'auth.invalid_token': {
    status: 401,
    message: 'The access token is invalid or expired; refresh it with POST /api/token.',
    description:
      'The access token (`Authorization: Bearer <access token>`) is invalid or expired; refresh it with `POST /api/token`.',
  },
  'account.not_found': {
    status: 404,
    message: 'No account uses this number; register first.',
    description: 'No account uses this (verified) phone number; register first.',
  },
  'account.suspended': {
    status: 403,
    message: 'This account is suspended; contact the service that runs it.',
    description: 'An admin suspended the account: it cannot sign in by any route, and its refresh tokens are refused.',
  },
  'account.phone_taken': {
    status: 409,
    message: 'This number already has an account; sign in instead.',
    description: 'The verified number already belongs to an account; sign in instead.',
  },
  'account.phone_unavailable': {
    status: 409,
    message: 'This number cannot be linked to your account.',
    description: 'This number cannot be linked to the account.',
  },
  'account.reauthentication_required': {
    status: 403,
    message:
      'Changing the phone number needs a recent sign-in; re-authenticate with POST /api/account/reauthentication.',
    description:
      'Changing the phone number needs a code or the password within the last 5 minutes (a refresh does not count); re-authenticate with `POST /api/account/reauthentication`.',
  },
  'experience.registration_disabled': {
    status: 403,
    message: 'Sign-up is turned off.',
    description: 'Sign-up is turned off in the sign-in experience settings.',
  },
  'experience.phone_sign_in_disabled': {
    status: 403,
    message: 'Sign-in with an SMS code is turned off.',
    description: 'Sign-in by SMS code is turned off in the sign-in experience settings.',
  },
  'experience.password_disabled': {
    status: 403,
    message: 'Passwords are turned off.',
    description: 'Passwords are turned off in the sign-in experience settings.',
  },
  'experience.verification_mismatch': {
    status: 400,
    message: 'This verification was issued for another purpose or another account; request a new code.',
    description:
      'The verification was issued for another event (for example a Register code used to sign in) or another account.',
  },
  'experience.not_verified': {
    status: 400,
    message: 'Verify the code first.',
    description:
      'The code of this verification has not been verified yet (`POST /api/experience/verification-code/verify`).',
  },
  'experience.invalid_credentials': {
    status: 401,
    message: 'The phone number or the password is wrong.',
    description: 'The phone number or the password is wrong.',
  },
  'rate_limit.password_attempts': {
    status: 429,
    message: 'Too many password attempts; try again later, or sign in with a code.',
    description:
      'Too many password attempts for this phone number or from this IP address; wait `Retry-After` seconds.',
  },
  'oidc.interaction_expired': {
    status: 400,
    message: 'This sign-in has expired or was opened in another browser; go back to the application and start again.',
    description:
      'The OpenID Connect interaction (the sign-in an application started) is unknown, expired, finished, or its cookie is missing (another browser); the application must start a new authorization request.',
  },
  'application.not_found': {
    status: 404,
    message: 'No application has this id.',
    description: 'No application (OpenID Connect client) has this id.',
  },
  'application.invalid': {
    status: 400,
    message: 'The application settings are not valid.',
    description:
      'The application settings are not valid for its type (for example an `http:` redirect URI that is not a loopback address, or a URI with a fragment); the message says which.',
  },
  'user.not_found': {
    status: 404,
    message: 'No user has this id.',
    description: 'No end user has this id.',
  },
  'token.invalid_grant': {
    status: 400,
    message: 'The refresh token is invalid, expired or revoked; sign in again.',
    description:
      'The refresh token is unknown, expired, revoked or was already used (reuse revokes every token of that sign-in).',
  },
  'token.signing_key_unreadable': {
    status: 503,
    message: 'The token signing key cannot be decrypted.',
    description:
      'The token signing key cannot be decrypted, so no token can be issued: `details.keyId` names the encryption key that wrote it, which is not configured (set `PASSLINE_ENCRYPTION_KEY` to it or add it to `PASSLINE_ENCRYPTION_KEYS_PREVIOUS`).',
  },
  'token.unsupported_grant_type': {
    status: 400,
    message: 'Only grant_type "refresh_token" is supported.',
    description: 'Only `grant_type: "refresh_token"` is supported.',
  },
  'routing.invalid': {
    status: 400,
    message: 'The routing table is not valid.',
    description:
      'The SMS routing table names a connector that does not exist or does not send SMS, an empty or repeated chain, an unknown country or a malformed prefix; the message says which rule.',
  },
  'integration.not_configured': {
    status: 503,
    message: 'The Supabase Send SMS hook secret is not set in Passline.',
    description:
      'The Supabase Send SMS hook (`POST /api/integrations/supabase/send-sms`) was called, but no hook secret is set: paste the secret Supabase shows into the console (Integrations) or `PATCH /api/settings/integrations`.',
  },
  'integration.signature_invalid': {
    status: 401,
    message: 'The webhook signature is missing, wrong or too old.',
    description:
      'A Supabase Send SMS hook call lacks the Standard Webhooks headers (`webhook-id`, `webhook-timestamp`, `webhook-signature`), its signature does not match the hook secret set in Passline, or its timestamp is more than 5 minutes off; nothing was sent.',
  },
  'integration.secret_unreadable': {
    status: 503,
    message: 'The stored hook secret cannot be decrypted.',
    description:
      'The stored Supabase hook secret cannot be decrypted: `details.keyId` names the encryption key that wrote it, which is not configured (set `PASSLINE_ENCRYPTION_KEY` to it or add it to `PASSLINE_ENCRYPTION_KEYS_PREVIOUS`); or paste the secret again.',
  },
  'settings.invalid': {
    status: 400,
    message: 'The settings are inconsistent.',
    description: 'The settings are inconsistent (for example an hourly cap above the daily cap).',
  },
  'service.unavailable': {
    status: 503,
    message: 'A service this request needs is not answering; try again shortly.',
    description: 'A dependency the request needs (Redis, when it holds the rate limits) is down or not answering.',
  },
  'internal.error': {
    status: 500,
    message: 'Something went wrong on our side.',
    description: 'An unexpected error; the response carries a request id and the server logged it.',
  },
} as const satisfies Record<ErrorCode, { status: number; message: string; description: string }>;

/**
 * A catalogued error. Without a message it says its code's default (`errorCatalog[code].message`);
 * throw sites pass one only when it tells more (the id, the wait, the field). `options.cause` keeps
 * the error it wraps, for the server log; it never reaches the response.
 */
export class AppError extends Error {
  override readonly name = 'AppError';
  readonly status: number;

  constructor(
    readonly code: ErrorCode,
    message: string = errorCatalog[code].message,
    readonly details?: Record<string, unknown>,
    /** Seconds for a Retry-After header. */
    readonly retryAfterSeconds?: number,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.status = errorCatalog[code].status;
  }
}

export function isAppError(error: unknown): error is AppError {
  return error instanceof AppError;
}
