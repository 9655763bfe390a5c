import { type PhoneNumber, parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { AppError } from './errors.ts';

export type { PhoneNumber };

/**
 * Normalises any common spelling of a number to E.164, so "+1 (201) 555-0123" and "+12015550123"
 * share one rate-limit bucket. Numbers must be international (leading + or 00): a server cannot
 * guess the caller's country. Validation uses the full numbering-plan metadata, so numbers that
 * cannot exist (the +1 555 "area code" of films, unassigned ranges) are refused before any
 * provider is paid to try them.
 */
export function normalisePhone(input: string): string {
  return parsePhone(input).number;
}

/** `normalisePhone`, keeping what the parse learnt (country, number type) for the send's protection checks. */
export function parsePhone(input: string): PhoneNumber {
  const trimmed = input.trim().replace(/^00/, '+');
  const parsed = trimmed.startsWith('+') ? parsePhoneNumberFromString(trimmed) : undefined;
  if (!parsed?.isValid()) {
    throw new AppError('phone.invalid');
  }
  return parsed;
}

/** `+12015550123` → `+1201*****23`: enough to tell numbers apart in logs, not enough to dial. */
export function maskPhone(e164: string): string {
  if (e164.length <= 7) return `${e164.slice(0, 2)}${'*'.repeat(Math.max(0, e164.length - 2))}`;
  return `${e164.slice(0, 5)}${'*'.repeat(e164.length - 7)}${e164.slice(-2)}`;
}
