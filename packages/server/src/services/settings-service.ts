import type { Kysely } from 'kysely';
import { z } from 'zod';
import { AppError } from '../errors.ts';
import { findSettingByKey, upsertSetting } from '../storage/queries/settings.ts';
import type { Database } from '../storage/schema.ts';
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

/**
 * Settings live in the database so every instance reads the same values. Each instance caches them
 * for `cacheMs` (a change made on another instance applies within that time; on this instance at
 * once), which keeps a settings read off the hot path of every send.
 */
export function createSettingsService(deps: { db: Kysely<Database>; clock: Clock; cacheMs?: number }): SettingsService {
  const cacheMs = deps.cacheMs ?? 2000;
  let cached: { value: VerificationSettings; until: number } | undefined;

  async function read(): Promise<VerificationSettings> {
    const stored = await findSettingByKey(deps.db, verificationKey);
    // Stored values are merged over the defaults, so a setting added later gets its default.
    const parsed = verificationSettingsSchema.safeParse(stored ? JSON.parse(stored) : {});
    return parsed.success ? parsed.data : verificationSettingsSchema.parse({});
  }

  return {
    async getVerificationSettings() {
      const now = deps.clock.now();
      if (cached && cached.until > now) return cached.value;
      const value = await read();
      cached = { value, until: now + cacheMs };
      return value;
    },
    async updateVerificationSettings(patch) {
      const next = verificationSettingsSchema.parse({ ...(await read()), ...patch });
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
      const now = deps.clock.now();
      await upsertSetting(deps.db, verificationKey, JSON.stringify(next), now);
      cached = { value: next, until: now + cacheMs };
      return next;
    },
  };
}
