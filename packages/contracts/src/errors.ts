import * as z from 'zod/mini';

/**
 * Every error code Passline answers with. The server's `errorCatalog` (packages/server/src/errors.ts)
 * gives each one its HTTP status and meaning, and must name exactly these; docs/errors.md documents
 * them. Add a code here and there together.
 */
export const errorCodes = [
  'request.invalid',
  'request.malformed_json',
  'request.too_large',
  'request.unsupported_media_type',
  'route.not_found',
  'auth.missing_credentials',
  'auth.invalid_credentials',
  'auth.insufficient_scope',
  'auth.session_invalid',
  'auth.csrf_invalid',
  'admin.invalid_credentials',
  'admin.too_many_attempts',
  'admin.setup_token_invalid',
  'admin.already_set_up',
  'admin.username_taken',
  'admin.two_factor_invalid',
  'admin.two_factor_required',
  'admin.two_factor_not_enabled',
  'admin.two_factor_already_enabled',
  'admin.two_factor_unreadable',
  'admin.sign_in_step_invalid',
  'phone.invalid',
  'verification.not_found',
  'verification.code_mismatch',
  'verification.expired',
  'verification.cancelled',
  'verification.too_many_attempts',
  'verification.already_used',
  'rate_limit.resend_cooldown',
  'rate_limit.phone',
  'rate_limit.ip',
  'rate_limit.prefix',
  'rate_limit.country',
  'rate_limit.global',
  'fraud.country_blocked',
  'fraud.number_type_blocked',
  'fraud.low_conversion',
  'fraud.challenge_required',
  'fraud.challenge_failed',
  'connector.none_active',
  'connector.not_found',
  'connector.factory_not_found',
  'connector.invalid_config',
  'connector.template_invalid',
  'connector.secret_unreadable',
  'delivery.invalid_recipient',
  'delivery.rate_limited',
  'delivery.rejected',
  'delivery.provider_unavailable',
  'delivery.timeout',
  'webhook.not_found',
  'webhook.forbidden',
  'auth.invalid_token',
  'account.not_found',
  'account.suspended',
  'account.phone_taken',
  'account.phone_unavailable',
  'account.reauthentication_required',
  'experience.registration_disabled',
  'experience.phone_sign_in_disabled',
  'experience.password_disabled',
  'experience.verification_mismatch',
  'experience.not_verified',
  'experience.invalid_credentials',
  'rate_limit.password_attempts',
  'oidc.interaction_expired',
  'application.not_found',
  'application.invalid',
  'user.not_found',
  'token.invalid_grant',
  'token.signing_key_unreadable',
  'token.unsupported_grant_type',
  'settings.invalid',
  'routing.invalid',
  'integration.not_configured',
  'integration.signature_invalid',
  'integration.secret_unreadable',
  'service.unavailable',
  'internal.error',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** A field problem in `details.issues` (request.invalid, connector.invalid_config, settings.invalid). */
export const issueSchema = z.object({ path: z.string(), message: z.string() });
export type Issue = z.infer<typeof issueSchema>;

/** The body of every error response. */
export const errorBodySchema = z
  .object({
    error: z.object({
      code: z.enum(errorCodes),
      message: z.string(),
      details: z.optional(z.record(z.string(), z.unknown())),
      requestId: z.optional(z.string()),
    }),
  })
  .check(z.describe('Error'));
export type ErrorBody = z.infer<typeof errorBodySchema>;
