import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { AppError } from './errors.ts';

/**
 * Normalises any common spelling of a number to E.164, so "+1 (555) 123-4567" and "+15551234567"
 * share one rate-limit bucket. Numbers must be international (leading + or 00): a server cannot
 * guess the caller's country.
 */
export function normalisePhone(input: string): string {
  const trimmed = input.trim().replace(/^00/, '+');
  const parsed = trimmed.startsWith('+') ? parsePhoneNumberFromString(trimmed) : undefined;
  if (!parsed?.isValid()) {
    throw new AppError('phone.invalid', 'The phone number is not a valid international number, e.g. +15551234567.');
  }
  return parsed.number;
}

/** `+15551234567` → `+1555*****67`: enough to tell numbers apart in logs, not enough to dial. */
export function maskPhone(e164: string): string {
  if (e164.length <= 7) return `${e164.slice(0, 2)}${'*'.repeat(Math.max(0, e164.length - 2))}`;
  return `${e164.slice(0, 5)}${'*'.repeat(e164.length - 7)}${e164.slice(-2)}`;
}
