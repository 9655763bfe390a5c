import * as z from 'zod/mini';

/**
 * Each verification setting: its range, its default and what it means. The server's schema below
 * is built from this table, and the console's form checks the same ranges while the admin types.
 */
export const verificationSettingRanges = {
  codeLength: { min: 4, max: 10, default: 6, description: 'Digits in a code.' },
  codeTtlSeconds: { min: 60, max: 3600, default: 600, description: 'How long a code is valid.' },
  maxAttempts: { min: 1, max: 20, default: 5, description: 'Wrong tries before a code is dead.' },
  resendCooldownSeconds: { min: 0, max: 3600, default: 60, description: 'Wait between two sends to one number.' },
  phoneHourlyLimit: {
    min: 1,
    max: 1000,
    default: 5,
    description: 'Codes per number per hour, counted per client IP when the IP is known.',
  },
  phoneDailyLimit: {
    min: 1,
    max: 10000,
    default: 10,
    description: 'Codes per number per day, counted per client IP when the IP is known.',
  },
  phoneHourlyCeiling: {
    min: 1,
    max: 10000,
    default: 15,
    description: 'Codes per number per hour across all client IPs.',
  },
  phoneDailyCeiling: {
    min: 1,
    max: 100000,
    default: 30,
    description: 'Codes per number per day across all client IPs.',
  },
  ipHourlyLimit: { min: 1, max: 100000, default: 20, description: 'Codes per end-user IP per hour.' },
} as const satisfies Record<string, { min: number; max: number; default: number; description: string }>;
export type VerificationSettingName = keyof typeof verificationSettingRanges;

type SettingField = z.ZodMiniDefault<z.ZodMiniNumber<number>>;

/** The verification settings; a missing field gets its default (stored settings predate new ones). */
export const verificationSettingsSchema = z.strictObject(
  Object.fromEntries(
    Object.entries(verificationSettingRanges).map(([name, range]) => [
      name,
      z._default(
        z.number().check(z.int(), z.minimum(range.min), z.maximum(range.max), z.describe(range.description)),
        range.default,
      ),
    ]),
  ) as Record<VerificationSettingName, SettingField>,
);
export type VerificationSettings = z.infer<typeof verificationSettingsSchema>;

/** Which end-user flows are on (GET /api/settings/sign-in-experience). */
export const signInExperienceSchema = z.strictObject({
  phoneSignIn: z._default(z.boolean().check(z.describe('End users may sign in with an SMS code.')), true),
  signUp: z._default(
    z
      .boolean()
      .check(
        z.describe('End users may create accounts (by registering, or by signing in with an unknown verified number).'),
      ),
    true,
  ),
  password: z._default(z.boolean().check(z.describe('End users may set a password and sign in with it.')), true),
});
export type SignInExperience = z.infer<typeof signInExperienceSchema>;
