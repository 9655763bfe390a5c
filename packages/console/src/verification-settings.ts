/** The verification settings form: its fields, their checks, and what a save sends. */

import {
  type VerificationSettingName,
  type VerificationSettings,
  verificationSettingRanges,
} from '@passline/contracts';

export type Settings = VerificationSettings;
export type SettingName = VerificationSettingName;

/** What the form says about each setting; the ranges come from the shared table below. */
const labels: Array<{ name: SettingName; label: string; help: string; unit?: string }> = [
  { name: 'codeLength', label: 'Code length', help: 'Digits in a code.', unit: 'digits' },
  {
    name: 'codeTtlSeconds',
    label: 'Validity',
    help: 'How long a code can be used.',
    unit: 'seconds',
  },
  {
    name: 'maxAttempts',
    label: 'Attempt limit',
    help: 'Wrong codes allowed before the code stops working.',
    unit: 'attempts',
  },
  {
    name: 'resendCooldownSeconds',
    label: 'Resend cooldown',
    help: 'Wait between two codes to one number.',
    unit: 'seconds',
  },
  {
    name: 'phoneHourlyLimit',
    label: 'Codes per number per hour',
    help: 'For one number from one client IP (from the number alone when the IP is unknown).',
  },
  {
    name: 'phoneDailyLimit',
    label: 'Codes per number per day',
    help: 'As above, per day. Must be at least the hourly limit.',
  },
  {
    name: 'phoneHourlyCeiling',
    label: 'Codes per number per hour, all clients',
    help: 'The most one number receives from everyone together; keep it above the per-client limit.',
  },
  {
    name: 'phoneDailyCeiling',
    label: 'Codes per number per day, all clients',
    help: 'As above, per day. Must be at least the hourly ceiling.',
  },
  {
    name: 'ipHourlyLimit',
    label: 'Codes per IP address per hour',
    help: 'Limits SMS pumping from one client.',
  },
];

// The ranges are the server's own (the schema is built from the same table), so mistakes show
// while typing; the server checks again.
export const settingFields: Array<{
  name: SettingName;
  label: string;
  help: string;
  min: number;
  max: number;
  unit?: string;
}> = labels.map((field) => ({
  ...field,
  min: verificationSettingRanges[field.name].min,
  max: verificationSettingRanges[field.name].max,
}));

export function validate(values: Record<SettingName, string>): Partial<Record<SettingName, string>> {
  const errors: Partial<Record<SettingName, string>> = {};
  for (const field of settingFields) {
    const text = values[field.name].trim();
    const number = Number(text);
    if (text === '' || !Number.isInteger(number)) errors[field.name] = `${field.label} must be a whole number.`;
    else if (number < field.min || number > field.max) {
      errors[field.name] =
        `${field.label} must be between ${field.min} and ${field.max}${field.unit ? ` ${field.unit}` : ''}.`;
    }
  }
  if (
    !errors.phoneHourlyLimit &&
    !errors.phoneDailyLimit &&
    Number(values.phoneHourlyLimit) > Number(values.phoneDailyLimit)
  ) {
    errors.phoneDailyLimit = 'The daily limit cannot be lower than the hourly limit.';
  }
  if (
    !errors.phoneHourlyCeiling &&
    !errors.phoneDailyCeiling &&
    Number(values.phoneHourlyCeiling) > Number(values.phoneDailyCeiling)
  ) {
    errors.phoneDailyCeiling = 'The daily ceiling cannot be lower than the hourly ceiling.';
  }
  return errors;
}

/** The settings whose typed value differs from the saved one. */
export function changedFields(saved: Settings, values: Record<SettingName, string>): SettingName[] {
  return settingFields
    .map((field) => field.name)
    .filter((name) => values[name].trim() === '' || Number(values[name]) !== saved[name]);
}

export function patchOf(changed: SettingName[], values: Record<SettingName, string>): Partial<Settings> {
  return Object.fromEntries(changed.map((name) => [name, Number(values[name])]));
}
