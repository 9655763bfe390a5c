import { type VerificationSettings, verificationSettingsSchema } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Clock } from '../clock.ts';
import { AppError } from '../errors.ts';
import type { Database } from '../storage/schema.ts';
import { cachedSetting } from './cached-setting.ts';
import { patchSchemaOf } from './patch-schema.ts';

// The schema (ranges, defaults, descriptions) is shared with the console, which checks the same ranges.
export { type VerificationSettings, verificationSettingsSchema };
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
