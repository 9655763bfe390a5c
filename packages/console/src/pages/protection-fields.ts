/** What the policy form says about each typed setting; the ranges come from the contract (protection-policy.ts). */

import type { ChallengeType } from '@passline/contracts';
import type { SettingName, TextName } from './protection-policy.ts';

export const fieldText: Record<TextName, { label: string; help: string; unit?: string }> = {
  prefixWildcardDigits: {
    label: 'Range size',
    unit: 'wildcard digits',
    help: 'Numbers that differ only in their last this-many digits are one range: with 3, +447700900123 and +447700900999 share the range +447700900.',
  },
  prefixHourlyLimit: {
    label: 'Codes per range per hour',
    help: 'The most codes one number range receives in an hour.',
  },
  countryHourlyLimit: {
    label: 'Codes per country per hour',
    help: 'For every destination country without its own limit below.',
  },
  globalHourlyLimit: {
    label: 'Codes per hour, in total',
    help: 'The most codes the whole deployment sends in an hour.',
  },
  globalDailyLimit: { label: 'Codes per day, in total', help: 'The most codes the whole deployment sends in a day.' },
  guardMinSends: {
    label: 'Codes before judging',
    help: 'Codes a range or client IP may receive in 24 hours before the guard looks at how many were entered.',
  },
  guardMinRate: {
    label: 'Least share entered',
    unit: '%',
    help: 'A range or client IP whose codes are entered less often than this is refused.',
  },
  guardCountryFloor: {
    label: 'Unentered codes per country',
    help: 'A country may always have this many unentered codes in 24 hours before the guard judges it.',
  },
  guardCountryShare: {
    label: 'Plus a share of its best day',
    unit: '%',
    help: "Unentered codes a country may have on top: this share of the country's most entered codes in one day (the last 14 days or the last 24 hours).",
  },
  guardBlockMinutes: {
    label: 'Refuse for',
    unit: 'minutes',
    help: 'How long a tripped range, IP or country is refused before it is judged again.',
  },
  challengeAdaptiveShare: {
    label: 'Ask above budget use',
    unit: '%',
    help: 'Adaptive mode asks while any budget is above this share of its limit, or while the guard has tripped.',
  },
  challengeSiteKey: { label: 'Site key', help: "The public site key from the CAPTCHA provider's dashboard." },
  challengeSiteverifyUrl: {
    label: 'Siteverify URL',
    help: "Empty for the provider's own; set it for a proxy or a compatible self-hosted service.",
  },
  challengePowMaxNumber: {
    label: 'Proof-of-work difficulty',
    help: "ALTCHA's maxnumber: higher makes every solution take longer, for people's browsers and for bots alike.",
  },
  alertWebhookUrl: {
    label: 'Alert webhook URL',
    help: 'Where alerts are POSTed when a budget runs low or the guard trips. Empty for none.',
  },
};

export const challengeLabels: Record<ChallengeType, string> = {
  off: 'Off',
  pow: 'Proof of work (ALTCHA, no third party)',
  turnstile: 'Cloudflare Turnstile',
  hcaptcha: 'hCaptcha',
  recaptcha: 'Google reCAPTCHA',
};

/** Every setting's name in the form's words, for the list of fields that need attention. */
export const settingLabels: Record<SettingName, string> = {
  ...Object.fromEntries(Object.entries(fieldText).map(([name, text]) => [name, text.label])),
  mode: 'Mode',
  allowedCountries: 'Allowed countries',
  blockedCountries: 'Blocked countries',
  allowedNumberTypes: 'Number types',
  countryHourlyLimitOverrides: 'Per-country hourly limits',
  guardEnabled: 'Conversion guard',
  alwaysAllowIpRanges: 'Always allow: client IP ranges',
  alwaysAllowCountries: 'Always allow: countries',
  alwaysAllowNumberPrefixes: 'Always allow: number prefixes',
  challenge: 'Challenge',
  challengeMode: 'When to ask',
} as Record<SettingName, string>;

/** Budget names from the summary: a setting's label when the budget is a setting's limit. */
export function budgetLabel(name: string): string | undefined {
  return name in fieldText ? fieldText[name as TextName].label : undefined;
}
