// The phone number field: the country list's dial codes, and the number in international form.
import { $, input } from './dom.ts';

export function selectDefaultCountry(): void {
  const regions = (navigator.languages ?? [navigator.language])
    .map((locale) => locale.split('-')[1]?.toUpperCase())
    .filter((region): region is string => Boolean(region));
  const select = $<HTMLSelectElement>('country');
  const match = regions.find((region) => select.querySelector(`option[value="${region}"]`));
  select.value = match ?? 'US';
  updateDialCode();
}

export function updateDialCode(): void {
  const option = $<HTMLSelectElement>('country').selectedOptions[0];
  $('dial-code').textContent = option ? `+${option.dataset.dial}` : '+';
}

/**
 * An E.164 number spaced for reading: the country code (the longest one the country list knows),
 * then the national number in groups of three, the last group taking a lone digit.
 */
export function formatPhone(e164: string): string {
  const digits = e164.replace(/\D/g, '');
  const dials = new Set([...$<HTMLSelectElement>('country').options].map((option) => option.dataset.dial));
  const dialLength = [3, 2, 1].find((length) => dials.has(digits.slice(0, length))) ?? 1;
  const national = digits.slice(dialLength);
  const groups: string[] = [...(national.match(/\d{1,3}/g) ?? [])];
  const last = groups.at(-1);
  if (groups.length > 1 && last?.length === 1) {
    // Ten digits read 3-3-4, not 3-3-3-1.
    groups.pop();
    groups.push(`${groups.pop() ?? ''}${last}`);
  }
  return `+${digits.slice(0, dialLength)} ${groups.join(' ')}`.trim();
}

/** The number in international form: typed with + (or 00), or the national number after the selected country code. */
export function fullNumber(): string {
  const raw = input('phone').value.trim();
  if (raw.startsWith('+')) return `+${raw.slice(1).replace(/\D/g, '')}`;
  if (raw.startsWith('00')) return `+${raw.slice(2).replace(/\D/g, '')}`;
  const option = $<HTMLSelectElement>('country').selectedOptions[0];
  let digits = raw.replace(/\D/g, '');
  // The national trunk prefix 0 is dropped in international form, except where it is part of the number.
  if (!['IT', 'SM', 'VA'].includes(option?.value ?? '')) digits = digits.replace(/^0+/, '');
  return `+${option?.dataset.dial ?? ''}${digits}`;
}
