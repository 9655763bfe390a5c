import * as z from 'zod/mini';

/**
 * Number types as libphonenumber names them, plus two of Passline's: `UNKNOWN` (a valid number
 * whose range the metadata does not type) and `NON_GEOGRAPHIC` (the global +800, +808, +870,
 * +881, +882, +883, +888 and +979 ranges: satellite phones and international services, which
 * belong to no country).
 */
export const numberTypes = [
  'MOBILE',
  'FIXED_LINE_OR_MOBILE',
  'FIXED_LINE',
  'VOIP',
  'TOLL_FREE',
  'PREMIUM_RATE',
  'SHARED_COST',
  'PERSONAL_NUMBER',
  'UAN',
  'PAGER',
  'VOICEMAIL',
  'UNKNOWN',
  'NON_GEOGRAPHIC',
] as const;
export type NumberType = (typeof numberTypes)[number];

const countryCode = z.string().check(z.regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 code in capitals, e.g. "GB"'));
const count = (min: number, max: number, fallback: number, description: string) =>
  z._default(z.number().check(z.int(), z.minimum(min), z.maximum(max), z.describe(description)), fallback);
const share = (fallback: number, description: string) =>
  z._default(z.number().check(z.minimum(0), z.maximum(1), z.describe(description)), fallback);

/** Which challenge the public Experience API asks for before it sends a code. */
export const challengeTypes = ['off', 'pow', 'turnstile', 'hcaptcha', 'recaptcha'] as const;
export type ChallengeType = (typeof challengeTypes)[number];

/**
 * SMS-pumping protection (GET|PATCH /api/settings/protection). Flat on purpose: a PATCH changes
 * exactly the fields it names, and a nested object would be replaced whole. Secrets (a CAPTCHA's
 * secret key, the alert webhook's signing secret) are not settings: they come from the
 * environment (PASSLINE_CHALLENGE_SECRET, PASSLINE_ALERT_WEBHOOK_SECRET).
 */
export const protectionSettingsSchema = z.strictObject({
  mode: z._default(
    z
      .enum(['enforce', 'record_only'])
      .check(z.describe('`record_only` records every decision and refuses nothing: for a first week of tuning.')),
    'enforce',
  ),
  allowedCountries: z._default(
    z.nullable(z.array(countryCode)).check(z.describe('Countries that may receive codes; null for all.')),
    null,
  ),
  blockedCountries: z._default(z.array(countryCode).check(z.describe('Countries that never receive codes.')), []),
  allowedNumberTypes: z._default(
    z.array(z.enum(numberTypes)).check(z.describe('Number types that may receive codes.')),
    ['MOBILE', 'FIXED_LINE_OR_MOBILE', 'UNKNOWN'],
  ),
  prefixWildcardDigits: count(
    1,
    8,
    3,
    'Numbers that share all but their last this-many digits are one range (3: +44701234 5678 and +44701234 5999 share the range +447012345).',
  ),
  prefixHourlyLimit: count(1, 1_000_000, 20, 'Codes per number range per hour.'),
  countryHourlyLimit: count(1, 10_000_000, 500, 'Codes per destination country per hour (unless overridden).'),
  countryHourlyLimitOverrides: z._default(
    z
      .record(countryCode, z.number().check(z.int(), z.minimum(0), z.maximum(10_000_000)))
      .check(z.describe('Per-country hourly limits that replace countryHourlyLimit, e.g. { "GB": 50 }.')),
    {},
  ),
  globalHourlyLimit: count(1, 100_000_000, 2_000, 'Codes per hour for the whole deployment.'),
  globalDailyLimit: count(1, 1_000_000_000, 20_000, 'Codes per day for the whole deployment.'),
  guardEnabled: z._default(
    z.boolean().check(z.describe('Refuse codes to ranges, IPs and countries whose codes are not being entered.')),
    true,
  ),
  guardMinSends: count(2, 1_000_000, 20, 'Codes a range or client IP may get in 24 h before its conversion is judged.'),
  guardMinRate: share(0.2, 'Share of codes entered below which a range or client IP is refused.'),
  guardCountryFloor: count(1, 10_000_000, 200, 'Unentered codes a country may always have per 24 h.'),
  guardCountryShare: share(
    0.5,
    "Plus this share of the country's most entered codes in one day (the last 14 days or the last 24 h).",
  ),
  guardBlockMinutes: count(
    1,
    10_080,
    60,
    'How long a tripped range, IP or country is refused before it is judged again.',
  ),
  alwaysAllowIpRanges: z._default(
    z.array(z.string()).check(z.describe('Client IPs or CIDR ranges (e.g. "203.0.113.0/24") that bypass protection.')),
    [],
  ),
  alwaysAllowCountries: z._default(z.array(countryCode).check(z.describe('Countries that bypass protection.')), []),
  alwaysAllowNumberPrefixes: z._default(
    z
      .array(z.string().check(z.regex(/^\+\d{1,15}$/, 'an E.164 prefix such as "+4477009"')))
      .check(z.describe('Number prefixes (a QA range) that bypass protection; per-number limits still apply.')),
    [],
  ),
  challenge: z._default(
    z.enum(challengeTypes).check(z.describe('What the Experience API asks for before it sends a code.')),
    'off',
  ),
  challengeMode: z._default(
    z
      .enum(['always', 'adaptive'])
      .check(
        z.describe(
          '`adaptive`: only while a budget is above challengeAdaptiveShare of its limit or the guard has tripped.',
        ),
      ),
    'adaptive',
  ),
  challengeAdaptiveShare: share(0.5, 'Budget use above which the adaptive mode asks for a challenge.'),
  challengeSiteKey: z._default(z.nullable(z.string().check(z.maxLength(200))), null),
  challengeSiteverifyUrl: z._default(
    z.nullable(z.url()).check(z.describe("The CAPTCHA provider's siteverify URL; null for the provider's own.")),
    null,
  ),
  challengePowMaxNumber: count(1_000, 10_000_000, 100_000, 'Proof-of-work difficulty (ALTCHA maxnumber).'),
  alertWebhookUrl: z._default(
    z.nullable(z.url()).check(z.describe('Where protection alerts are POSTed (Standard Webhooks).')),
    null,
  ),
});
export type ProtectionSettings = z.infer<typeof protectionSettingsSchema>;

/** Why a send was refused (or, in record-only mode, would have been). */
export const protectionReasons = [
  'fraud.country_blocked',
  'fraud.number_type_blocked',
  'rate_limit.prefix',
  'rate_limit.country',
  'rate_limit.global',
  'fraud.low_conversion',
  'fraud.challenge_required',
  'fraud.challenge_failed',
] as const;
export type ProtectionReason = (typeof protectionReasons)[number];

/** One refused send (GET /api/protection/events). */
export const protectionEventSchema = z.object({
  id: z.string(),
  createdAt: z.string(),
  reason: z.enum(protectionReasons),
  enforced: z.boolean().check(z.describe('false in record-only mode: the send went ahead.')),
  country: z.nullable(z.string()),
  range: z.string().check(z.describe('The masked number range, e.g. "+447012345***".')),
  clientIp: z.nullable(z.string()),
  source: z.string().check(z.describe('The API key id, or the route for end-user flows.')),
});
export type ProtectionEvent = z.infer<typeof protectionEventSchema>;
export const protectionEventPageSchema = z.object({
  items: z.array(protectionEventSchema),
  nextCursor: z.nullable(z.string()),
});
export type ProtectionEventPage = z.infer<typeof protectionEventPageSchema>;

/** A range, client IP or country the conversion guard refuses until `until`. */
export const protectionBlockSchema = z.object({
  dimension: z.enum(['range', 'ip', 'country']),
  value: z.string().check(z.describe('The masked range, the client IP (or /64) or the country code.')),
  key: z.string().check(z.describe('Pass to DELETE /api/protection/blocks/:key to clear it.')),
  sent: z.number(),
  approved: z.number(),
  createdAt: z.string(),
  until: z.string(),
});
export type ProtectionBlock = z.infer<typeof protectionBlockSchema>;
export const protectionBlocksSchema = z.array(protectionBlockSchema);

/** The Protection page's overview (GET /api/protection/summary): the last 24 hours by hour. */
export const protectionSummarySchema = z.object({
  hours: z.array(
    z.object({
      hour: z.string(),
      sent: z.number(),
      refused: z.record(z.string(), z.number()).check(z.describe('Refusals by reason.')),
    }),
  ),
  topRanges: z.array(z.object({ range: z.string(), country: z.nullable(z.string()), refused: z.number() })),
  topCountries: z.array(z.object({ country: z.string(), sent: z.number(), refused: z.number() })),
  /** Countries that received codes in the last 30 days, for choosing an allowlist. */
  countriesSeen: z.array(z.object({ country: z.string(), sent: z.number() })),
  budgets: z.array(
    z.object({ name: z.string(), used: z.number(), limit: z.number(), resetsAt: z.nullable(z.string()) }),
  ),
  alerts: z.array(z.object({ createdAt: z.string(), kind: z.string(), subject: z.string(), delivered: z.boolean() })),
});
export type ProtectionSummary = z.infer<typeof protectionSummarySchema>;
