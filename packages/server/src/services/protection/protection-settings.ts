import { BlockList } from 'node:net';
import { type ProtectionSettings, protectionSettingsSchema } from '@passline/contracts';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Clock } from '../../clock.ts';
import { AppError } from '../../errors.ts';
import type { Database } from '../../storage/schema.ts';
import { cachedSetting } from '../cached-setting.ts';
import { patchSchemaOf } from '../patch-schema.ts';
import { addToBlockList } from './number-policy.ts';

export { type ProtectionSettings, protectionSettingsSchema };
export const protectionSettingsPatchSchema = patchSchemaOf(protectionSettingsSchema);
export type ProtectionSettingsPatch = z.infer<typeof protectionSettingsPatchSchema>;

export interface ProtectionSettingsService {
  get(): Promise<ProtectionSettings>;
  update(patch: ProtectionSettingsPatch): Promise<ProtectionSettings>;
}

/** The secrets the settings refer to; they live in the environment, not in the settings table. */
export interface ProtectionSecrets {
  challengeSecret: string | undefined;
  alertWebhookSecret: string | undefined;
}

function invalid(path: string, message: string): AppError {
  return new AppError('settings.invalid', `${path} ${message}.`, { issues: [{ path, message }] });
}

/** What the schema cannot say: valid CIDRs, and a secret in the environment for what needs one. */
function validate(next: ProtectionSettings, secrets: ProtectionSecrets): void {
  const probe = new BlockList();
  for (const entry of next.alwaysAllowIpRanges) {
    if (!addToBlockList(probe, entry)) {
      throw invalid('alwaysAllowIpRanges', `has "${entry}", which is not an IP address or CIDR range`);
    }
  }
  const both = next.blockedCountries.filter((country) => next.allowedCountries?.includes(country));
  if (both.length > 0) throw invalid('blockedCountries', `names ${both.join(', ')}, which allowedCountries allows`);
  const captcha = next.challenge === 'turnstile' || next.challenge === 'hcaptcha' || next.challenge === 'recaptcha';
  if (captcha && !secrets.challengeSecret) {
    throw invalid('challenge', `is ${next.challenge}, which needs its secret key in PASSLINE_CHALLENGE_SECRET`);
  }
  if (captcha && !next.challengeSiteKey) throw invalid('challengeSiteKey', `is needed for ${next.challenge}`);
  if (next.alertWebhookUrl && !secrets.alertWebhookSecret) {
    throw invalid('alertWebhookUrl', 'needs a signing secret in PASSLINE_ALERT_WEBHOOK_SECRET (whsec_...)');
  }
}

/** The protection settings: one cached key of the shared settings table (see cached-setting.ts). */
export function createProtectionSettings(deps: {
  db: Kysely<Database>;
  clock: Clock;
  secrets: ProtectionSecrets;
  cacheMs?: number;
}): ProtectionSettingsService {
  const setting = cachedSetting({
    ...deps,
    key: 'protection',
    schema: protectionSettingsSchema,
    validate: (next) => validate(next, deps.secrets),
  });
  return { get: setting.get, update: setting.update };
}
