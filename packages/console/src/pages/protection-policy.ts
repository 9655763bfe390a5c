/**
 * The protection policy form: what the admin types, how it is read and checked (against the
 * contract's own schema, so the form and the server agree), and what a save sends.
 */

import { ApiError, type ProtectionSettings, protectionSettingsSchema } from '@passline/contracts';

export type Settings = ProtectionSettings;
export type SettingName = keyof Settings;

export const settingNames = Object.keys(protectionSettingsSchema.shape) as SettingName[];

/** Typed as whole numbers. */
export const integerFields = [
  'prefixWildcardDigits',
  'prefixHourlyLimit',
  'countryHourlyLimit',
  'globalHourlyLimit',
  'globalDailyLimit',
  'guardMinSends',
  'guardCountryFloor',
  'guardBlockMinutes',
  'challengePowMaxNumber',
] as const satisfies readonly SettingName[];
/** Shares (0–1) the admin types as percentages. */
export const percentFields = [
  'guardMinRate',
  'guardCountryShare',
  'challengeAdaptiveShare',
] as const satisfies readonly SettingName[];
/** Optional text: an empty field is null. */
export const optionalTextFields = [
  'challengeSiteKey',
  'challengeSiteverifyUrl',
  'alertWebhookUrl',
] as const satisfies readonly SettingName[];

export type IntegerName = (typeof integerFields)[number];
export type PercentName = (typeof percentFields)[number];
export type OptionalTextName = (typeof optionalTextFields)[number];
export type TextName = IntegerName | PercentName | OptionalTextName;

/** One row of the per-country hourly limits table. */
export interface OverrideRow {
  country: string;
  limit: string;
}

/** The form's state: text where the admin types, the settings' own values elsewhere. */
export type Draft = Omit<Settings, TextName | 'countryHourlyLimitOverrides'> &
  Record<TextName, string> & { countryHourlyLimitOverrides: OverrideRow[] };

export type FieldErrors = Partial<Record<SettingName, string>>;

const isInteger = (name: SettingName): name is IntegerName => (integerFields as readonly string[]).includes(name);
const isPercent = (name: SettingName): name is PercentName => (percentFields as readonly string[]).includes(name);
const isOptionalText = (name: SettingName): name is OptionalTextName =>
  (optionalTextFields as readonly string[]).includes(name);

// 0.07 × 100 is 7.000000000000001 in floating point: twelve significant digits hide that.
const percentText = (share: number) => String(Number((share * 100).toPrecision(12)));

export function draftOf(settings: Settings): Draft {
  const text = Object.fromEntries([
    ...integerFields.map((name) => [name, String(settings[name])]),
    ...percentFields.map((name) => [name, percentText(settings[name])]),
    ...optionalTextFields.map((name) => [name, settings[name] ?? '']),
  ]) as Record<TextName, string>;
  const overrides = Object.entries(settings.countryHourlyLimitOverrides)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([country, limit]) => ({ country, limit: String(limit) }));
  return { ...settings, ...text, countryHourlyLimitOverrides: overrides };
}

type Issue = NonNullable<ReturnType<typeof protectionSettingsSchema.safeParse>['error']>['issues'][number];
interface Checkable {
  safeParse(value: unknown): { error?: { issues: readonly Issue[] } | undefined };
}

/**
 * The bounds a number schema accepts, read from the schema's own answers to numbers far below
 * and far above any range (safe integers, so only the bounds complain), so the form shows the
 * server's ranges without a copy of them.
 */
function boundsOf(schema: Checkable, wrap: (value: number) => unknown = (value) => value) {
  let min = Number.NEGATIVE_INFINITY;
  let max = Number.POSITIVE_INFINITY;
  for (const issue of schema.safeParse(wrap(-Number.MAX_SAFE_INTEGER)).error?.issues ?? []) {
    if (issue.code === 'too_small') min = Math.max(min, Number(issue.minimum));
  }
  for (const issue of schema.safeParse(wrap(Number.MAX_SAFE_INTEGER)).error?.issues ?? []) {
    if (issue.code === 'too_big') max = Math.min(max, Number(issue.maximum));
  }
  return { min, max };
}

export const ranges = Object.fromEntries(
  [...integerFields, ...percentFields].map((name) => [name, boundsOf(protectionSettingsSchema.shape[name])]),
) as Record<IntegerName | PercentName, { min: number; max: number }>;
export const overrideRange = boundsOf(protectionSettingsSchema.shape.countryHourlyLimitOverrides, (limit) => ({
  ZZ: limit,
}));

/** "1–8", or "0–100 %" for a share: what the help text under a field says. */
export function rangeText(name: IntegerName | PercentName): string {
  const { min, max } = ranges[name];
  return isPercent(name)
    ? `${percentText(min)}–${percentText(max)} %`
    : `${min.toLocaleString('en')}–${max.toLocaleString('en')}`;
}

function readWholeNumber(text: string, range: { min: number; max: number }): number | string {
  const trimmed = text.trim();
  const number = Number(trimmed);
  if (trimmed === '' || !Number.isInteger(number)) return 'Enter a whole number.';
  if (number < range.min || number > range.max) {
    return `Must be between ${range.min.toLocaleString('en')} and ${range.max.toLocaleString('en')}.`;
  }
  return number;
}

/** An issue from the contract's schema in words; the schema's own message when it has one. */
function describe(issue: Issue, value: unknown): string {
  const index = issue.path[0];
  const item = Array.isArray(value) && typeof index === 'number' ? `"${String(value[index])}": ` : '';
  if (issue.message && issue.message !== 'Invalid input') return `${item}${issue.message}`;
  switch (issue.code) {
    case 'invalid_format':
      return issue.format === 'url' ? 'Enter a full address, such as https://example.com/hook.' : `${item}Not valid.`;
    case 'too_big':
      return issue.origin === 'string' ? `At most ${issue.maximum} characters.` : `${item}Too large.`;
    case 'invalid_value':
      return `${item}Not one of the allowed values.`;
    default:
      return `${item}Not valid.`;
  }
}

function readOverrides(rows: OverrideRow[]): Record<string, number> | string {
  const limits: Record<string, number> = {};
  for (const row of rows) {
    if (!row.country) return 'Choose a country in every row.';
    if (row.country in limits) return `${row.country} is listed twice.`;
    const limit = readWholeNumber(row.limit, overrideRange);
    if (typeof limit === 'string') return `${row.country}: ${limit}`;
    limits[row.country] = limit;
  }
  return limits;
}

type Read = { value: unknown } | { error: string };
const fromNumber = (result: number | string): Read =>
  typeof result === 'string' ? { error: result } : { value: result };

function readField(draft: Draft, name: SettingName): Read {
  if (isInteger(name)) return fromNumber(readWholeNumber(draft[name], ranges[name]));
  if (isPercent(name)) {
    const text = draft[name].trim();
    const percent = Number(text);
    if (text === '' || !Number.isFinite(percent)) return { error: 'Enter a number.' };
    const share = percent / 100;
    const { min, max } = ranges[name];
    if (share < min || share > max) return { error: `Must be between ${percentText(min)} and ${percentText(max)} %.` };
    return { value: share };
  }
  if (isOptionalText(name)) return { value: draft[name].trim() === '' ? null : draft[name].trim() };
  if (name === 'countryHourlyLimitOverrides') {
    const limits = readOverrides(draft.countryHourlyLimitOverrides);
    return typeof limits === 'string' ? { error: limits } : { value: limits };
  }
  return { value: draft[name] };
}

/** The server's checks between fields that the form can make too (not those on its environment). */
function crossCheck(values: Partial<Settings>, errors: FieldErrors): void {
  const both = (values.blockedCountries ?? []).filter((code) => values.allowedCountries?.includes(code));
  if (both.length) {
    errors.blockedCountries = `${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} also allowed: keep each country in one list.`;
    delete values.blockedCountries;
  }
  const captcha =
    values.challenge === 'turnstile' || values.challenge === 'hcaptcha' || values.challenge === 'recaptcha';
  if (captcha && values.challengeSiteKey === null) {
    errors.challengeSiteKey = 'A CAPTCHA needs its site key.';
    delete values.challengeSiteKey;
  }
}

/** Reads every field; a field that does not read or does not pass the schema has an error instead. */
export function readDraft(draft: Draft): { values: Partial<Settings>; errors: FieldErrors } {
  const values: Record<string, unknown> = {};
  const errors: FieldErrors = {};
  for (const name of settingNames) {
    const read = readField(draft, name);
    if ('error' in read) {
      errors[name] = read.error;
      continue;
    }
    const issue = protectionSettingsSchema.shape[name].safeParse(read.value).error?.issues[0];
    if (issue) errors[name] = describe(issue, read.value);
    else values[name] = read.value;
  }
  crossCheck(values as Partial<Settings>, errors);
  return { values: values as Partial<Settings>, errors };
}

/** The same value in any order: lists compare as sets, objects key by key. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, inner: unknown) => {
    if (Array.isArray(inner)) return [...inner].map((item) => JSON.stringify(item)).sort();
    if (inner && typeof inner === 'object') {
      return Object.fromEntries(Object.entries(inner).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
    }
    return inner;
  });
}

/** The settings whose form value differs from the saved one; a field that does not read counts. */
export function changedFields(saved: Settings, draft: Draft): SettingName[] {
  const { values } = readDraft(draft);
  return settingNames.filter((name) => !(name in values) || canonical(values[name]) !== canonical(saved[name]));
}

/** Only the changed settings: the server changes exactly the fields a PATCH names. */
export function patchOf(saved: Settings, draft: Draft): Partial<Settings> {
  const { values } = readDraft(draft);
  const changed = new Set(changedFields(saved, draft));
  return Object.fromEntries(Object.entries(values).filter(([name]) => changed.has(name as SettingName)));
}

/**
 * The server's field problems (`details.issues` of settings.invalid or request.invalid, whose
 * paths may start with "body.") by the setting they are about.
 */
export function fieldErrorsFromApi(error: unknown): FieldErrors {
  const errors: FieldErrors = {};
  if (!(error instanceof ApiError)) return errors;
  for (const issue of error.issues) {
    const parts = issue.path.split('.');
    if (parts[0] === 'body') parts.shift();
    const [name, ...rest] = parts;
    if (!name || !(settingNames as string[]).includes(name)) continue;
    const where = rest.join('.');
    // The server words a problem after the field's name ("needs a …"); under the field it starts a sentence.
    const message = issue.message.charAt(0).toUpperCase() + issue.message.slice(1);
    const text = where ? `${/^\d+$/.test(where) ? `Item ${Number(where) + 1}` : where}: ${message}` : message;
    const field = name as SettingName;
    errors[field] = errors[field] ? `${errors[field]} ${text}` : text;
  }
  return errors;
}
