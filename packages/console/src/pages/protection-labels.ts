/** What the Protection page calls refusal reasons and number types, and the chart's colours. */

import type { NumberType, ProtectionReason } from '@passline/contracts';

export const reasonLabels: Record<ProtectionReason, string> = {
  'fraud.country_blocked': 'Country not allowed',
  'fraud.number_type_blocked': 'Number type not allowed',
  'rate_limit.prefix': 'Range budget spent',
  'rate_limit.country': 'Country budget spent',
  'rate_limit.global': 'Global budget spent',
  'fraud.low_conversion': 'Low conversion (guard)',
  'fraud.challenge_required': 'Challenge missing',
  'fraud.challenge_failed': 'Challenge failed',
};

/** A reason the server names that this page does not know yet is still shown, by its code. */
export function reasonLabel(reason: string): string {
  return reason in reasonLabels ? reasonLabels[reason as ProtectionReason] : reason;
}

// Refusals in warm and dark colours, sends in the console's light accent, so the two read apart
// at a glance; every colour also has a text label (legend, table), never colour alone.
export const sentColor = '#a5b4fc';
const reasonColors: Record<ProtectionReason, string> = {
  'fraud.country_blocked': '#b91c1c',
  'fraud.number_type_blocked': '#ea580c',
  'rate_limit.prefix': '#d97706',
  'rate_limit.country': '#a16207',
  'rate_limit.global': '#be185d',
  'fraud.low_conversion': '#7c3aed',
  'fraud.challenge_required': '#0e7490',
  'fraud.challenge_failed': '#334155',
};
export function reasonColor(reason: string): string {
  return reason in reasonColors ? reasonColors[reason as ProtectionReason] : '#6b7280';
}

/** One line each, for the number-type checkboxes. */
export const numberTypeHelp: Record<NumberType, { label: string; help: string }> = {
  MOBILE: { label: 'Mobile', help: 'Mobile phones: who verification codes are for.' },
  FIXED_LINE_OR_MOBILE: {
    label: 'Fixed line or mobile',
    help: 'Ranges where the two cannot be told apart (the US and Canada among others).',
  },
  FIXED_LINE: { label: 'Fixed line', help: 'Landlines: most cannot receive SMS.' },
  VOIP: { label: 'VoIP', help: 'Internet telephony numbers: cheap to get in bulk, often used for fake sign-ups.' },
  TOLL_FREE: { label: 'Toll-free', help: 'Free-to-call service numbers: they rarely receive SMS.' },
  PREMIUM_RATE: {
    label: 'Premium rate',
    help: 'Numbers that earn their owner money per message: the usual target of SMS pumping.',
  },
  SHARED_COST: { label: 'Shared cost', help: 'Service numbers whose cost the caller and the owner share.' },
  PERSONAL_NUMBER: { label: 'Personal number', help: 'Follow-me numbers that forward to another phone.' },
  UAN: { label: 'Universal access', help: "A company's single national number (UAN)." },
  PAGER: { label: 'Pager', help: 'Pager numbers.' },
  VOICEMAIL: { label: 'Voicemail', help: 'Numbers that reach a voicemail box directly.' },
  UNKNOWN: { label: 'Unknown type', help: 'Valid numbers whose range the numbering metadata does not type.' },
  NON_GEOGRAPHIC: {
    label: 'Non-geographic',
    help: 'Global ranges of no country (+800, +881, +882, …): satellite phones and international services.',
  },
};

/** "globalHourly" or "global_hourly" → "Global hourly": budget names as the server gives them. */
export function humanize(name: string): string {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/[_.-]+/g, ' ')
    .trim()
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
