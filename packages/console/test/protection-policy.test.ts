import { ApiError, protectionSettingsSchema } from '@passline/contracts';
import { describe, expect, it } from 'vitest';
import {
  changedFields,
  type Draft,
  draftOf,
  fieldErrorsFromApi,
  patchOf,
  rangeText,
  readDraft,
} from '../src/pages/protection-policy.ts';

// The defaults, as a server with nothing stored answers.
const saved = protectionSettingsSchema.parse({});
const edit = (changes: Partial<Draft>): Draft => ({ ...draftOf(saved), ...changes });

describe('protection policy form', () => {
  it('reads the saved settings back unchanged', () => {
    const draft = draftOf(saved);
    expect(draft.guardMinRate).toBe('20');
    expect(draft.alertWebhookUrl).toBe('');
    expect(readDraft(draft)).toEqual({ values: saved, errors: {} });
    expect(changedFields(saved, draft)).toEqual([]);
  });

  it('a save names only what changed, in the settings’ own units', () => {
    const draft = edit({
      mode: 'record_only',
      prefixHourlyLimit: ' 7 ',
      guardMinRate: '7',
      alertWebhookUrl: ' https://alerts.example.com/hook ',
      countryHourlyLimitOverrides: [{ country: 'GB', limit: '50' }],
    });
    expect(patchOf(saved, draft)).toEqual({
      mode: 'record_only',
      prefixHourlyLimit: 7,
      guardMinRate: 0.07,
      alertWebhookUrl: 'https://alerts.example.com/hook',
      countryHourlyLimitOverrides: { GB: 50 },
    });
  });

  it('lists in another order, and numbers written differently, are not changes', () => {
    const reordered = { ...saved, allowedNumberTypes: [...saved.allowedNumberTypes].reverse() };
    expect(changedFields(saved, edit({ ...draftOf(reordered), globalDailyLimit: '020000' }))).toEqual([]);
    // Turning the country allowlist on with no country is a change (it refuses every country).
    expect(patchOf(saved, edit({ allowedCountries: [] }))).toEqual({ allowedCountries: [] });
  });

  it("checks every field against the contract's ranges and formats, in words", () => {
    expect(rangeText('prefixWildcardDigits')).toBe('1–8');
    expect(rangeText('guardMinRate')).toBe('0–100 %');
    const { errors } = readDraft(
      edit({
        prefixWildcardDigits: '12',
        globalHourlyLimit: '1.5',
        guardCountryShare: '150',
        alertWebhookUrl: 'not a url',
        alwaysAllowNumberPrefixes: ['+4477009', '4477'],
        countryHourlyLimitOverrides: [
          { country: 'GB', limit: '5' },
          { country: 'GB', limit: '6' },
        ],
      }),
    );
    expect(errors).toEqual({
      prefixWildcardDigits: 'Must be between 1 and 8.',
      globalHourlyLimit: 'Enter a whole number.',
      guardCountryShare: 'Must be between 0 and 100 %.',
      alertWebhookUrl: 'Enter a full address, such as https://example.com/hook.',
      alwaysAllowNumberPrefixes: '"4477": an E.164 prefix such as "+4477009"',
      countryHourlyLimitOverrides: 'GB is listed twice.',
    });
    // A field that does not read is a change, so Save stays on and shows the problem.
    expect(changedFields(saved, edit({ globalHourlyLimit: '' }))).toEqual(['globalHourlyLimit']);
  });

  it('makes the checks between fields the server makes, where they do not need its environment', () => {
    const { errors } = readDraft(
      edit({ allowedCountries: ['GB', 'KE'], blockedCountries: ['KE'], challenge: 'turnstile', challengeSiteKey: ' ' }),
    );
    expect(errors).toEqual({
      blockedCountries: 'KE is also allowed: keep each country in one list.',
      challengeSiteKey: 'A CAPTCHA needs its site key.',
    });
  });

  it("puts the server's field problems by their field, with or without the body. prefix", () => {
    const error = new ApiError(400, {
      code: 'settings.invalid',
      message: 'Invalid settings',
      details: {
        issues: [
          { path: 'body.prefixHourlyLimit', message: 'Too small' },
          { path: 'alwaysAllowIpRanges.1', message: 'not an IP range' },
          { path: 'somethingElse', message: 'ignored here' },
        ],
      },
    });
    expect(fieldErrorsFromApi(error)).toEqual({
      prefixHourlyLimit: 'Too small',
      alwaysAllowIpRanges: 'Item 2: Not an IP range',
    });
    expect(fieldErrorsFromApi(new Error('network'))).toEqual({});
  });
});
