import { describe, expect, it } from 'vitest';
import { changedFields, patchOf, type SettingName, type Settings, validate } from '../src/verification-settings.ts';

const saved: Settings = {
  codeLength: 6,
  codeTtlSeconds: 600,
  maxAttempts: 5,
  resendCooldownSeconds: 60,
  phoneHourlyLimit: 5,
  phoneDailyLimit: 10,
  phoneHourlyCeiling: 15,
  phoneDailyCeiling: 30,
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

  it('checks the per-client caps and the ceilings against their daily counterparts', () => {
    expect(validate(typed({}))).toEqual({});
    expect(validate(typed({ phoneHourlyCeiling: '40' }))).toEqual({
      phoneDailyCeiling: 'The daily ceiling cannot be lower than the hourly ceiling.',
    });
    expect(validate(typed({ phoneHourlyLimit: '11' }))).toEqual({
      phoneDailyLimit: 'The daily limit cannot be lower than the hourly limit.',
    });
  });
});
