import { describe, expect, it } from 'vitest';
import { changedFields, patchOf, type SettingName, type Settings } from '../src/verification-settings.ts';

const saved: Settings = {
  codeLength: 6,
  codeTtlSeconds: 600,
  maxAttempts: 5,
  resendCooldownSeconds: 60,
  phoneHourlyLimit: 5,
  phoneDailyLimit: 10,
  ipHourlyLimit: 20,
};
const typed = (changes: Partial<Record<SettingName, string>>) =>
  ({
    ...Object.fromEntries(Object.entries(saved).map(([name, value]) => [name, String(value)])),
    ...changes,
  }) as Record<SettingName, string>;

describe('verification settings form', () => {
  it('a save names only the settings the admin changed', () => {
    const values = typed({ codeLength: '8', maxAttempts: ' 3 ' });
    expect(changedFields(saved, values)).toEqual(['codeLength', 'maxAttempts']);
    expect(patchOf(changedFields(saved, values), values)).toEqual({ codeLength: 8, maxAttempts: 3 });
  });

  it('the same number written differently is not a change; an emptied field is', () => {
    expect(changedFields(saved, typed({ codeLength: '06', ipHourlyLimit: '20 ' }))).toEqual([]);
    expect(changedFields(saved, typed({ resendCooldownSeconds: '' }))).toEqual(['resendCooldownSeconds']);
  });
});
