import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import type { Database } from '../storage/schema.ts';
import { cachedSetting } from './cached-setting.ts';
import type { Clock } from './clock.ts';
import { patchSchemaOf } from './patch-schema.ts';

export const verificationSettingsSchema = z.strictObject({
  codeLength: z.number().int().min(4).max(10).default(6).describe('Digits in a code.'),
  codeTtlSeconds: z.number().int().min(60).max(3600).default(600).describe('How long a code is valid.'),
  maxAttempts: z.number().int().min(1).max(20).default(5).describe('Wrong tries before a code is dead.'),
  resendCooldownSeconds: z
    .number()
    .int()
    .min(0)
    .max(3600)
    .default(60)
    .describe('Wait between two sends to one number.'),
  phoneHourlyLimit: z
    .number()
    .int()
    .min(1)
    .max(1000)
    .default(5)
    .describe('Codes per number per hour, counted per client IP when the IP is known.'),
  phoneDailyLimit: z
    .number()
    .int()
    .min(1)
    .max(10000)
    .default(10)
    .describe('Codes per number per day, counted per client IP when the IP is known.'),
  phoneHourlyCeiling: z
    .number()
    .int()
    .min(1)
    .max(10000)
    .default(15)
    .describe('Codes per number per hour across all client IPs.'),
  phoneDailyCeiling: z
    .number()
    .int()
    .min(1)
    .max(100000)
    .default(30)
    .describe('Codes per number per day across all client IPs.'),
  ipHourlyLimit: z.number().int().min(1).max(100000).default(20).describe('Codes per end-user IP per hour.'),
});
export type VerificationSettings = z.infer<typeof verificationSettingsSchema>;
export const verificationSettingsPatchSchema = patchSchemaOf(verificationSettingsSchema);
export type VerificationSettingsPatch = z.infer<typeof verificationSettingsPatchSchema>;

const verificationKey = 'verification';

export interface SettingsService {
  getVerificationSettings(): Promise<VerificationSettings>;
  updateVerificationSettings(patch: VerificationSettingsPatch): Promise<VerificationSettings>;
}

/** The verification settings: one cached key of the shared settings table (see cached-setting.ts). */
export function createSettingsService(deps: { db: Kysely<Database>; clock: Clock; cacheMs?: number }): SettingsService {
  const setting = cachedSetting({
    ...deps,
    key: verificationKey,
    schema: verificationSettingsSchema,
    validate(next) {
      for (const [hourly, daily] of [
        ['phoneHourlyLimit', 'phoneDailyLimit'],
        ['phoneHourlyCeiling', 'phoneDailyCeiling'],
      ] as const) {
        if (next[hourly] > next[daily]) {
          throw new AppError('settings.invalid', `${hourly} cannot be greater than ${daily}.`, {
            issues: [{ path: hourly, message: `must not exceed ${daily}` }],
          });
        }
      }
    },
  });
  return { getVerificationSettings: setting.get, updateVerificationSettings: setting.update };
}
