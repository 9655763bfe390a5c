/** Checks for one entry of the always-allow lists, before it joins its list. */

import { protectionSettingsSchema } from '@passline/contracts';
import { allCountryCodes, countryCodePattern } from './protection-countries.ts';

const ipv4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;

function isIpv6(text: string): boolean {
  if (!text.includes(':') || /[^0-9a-fA-F:.]/.test(text)) return false;
  // The URL parser knows every IPv6 spelling (::, embedded IPv4); the character check above keeps
  // out zone ids and anything else a host could be.
  try {
    new URL(`http://[${text}]/`);
    return true;
  } catch {
    return false;
  }
}

/** "203.0.113.7", "203.0.113.0/24", "2001:db8::/32"; undefined when fine. */
export function checkIpRange(entry: string): string | undefined {
  const [address = '', bits, ...extra] = entry.split('/');
  const v4 = ipv4.test(address);
  if (extra.length || (!v4 && !isIpv6(address))) return 'not an IP address or CIDR range, e.g. 203.0.113.0/24';
  if (bits === undefined) return undefined;
  const max = v4 ? 32 : 128;
  if (!/^\d{1,3}$/.test(bits) || Number(bits) > max) return `the prefix length must be 0–${max}`;
  return undefined;
}

/** An E.164 prefix, as the contract's schema checks it. */
export function checkNumberPrefix(entry: string): string | undefined {
  const issue = protectionSettingsSchema.shape.alwaysAllowNumberPrefixes.safeParse([entry]).error?.issues[0];
  return issue ? issue.message : undefined;
}

/** "+44 7700 9" → "+4477009": people paste numbers with spaces, dashes and brackets. */
export function normalizeNumberPrefix(entry: string): string {
  return entry.replace(/[\s\-().]/g, '');
}

export function checkCountryCode(entry: string): string | undefined {
  if (!countryCodePattern.test(entry)) return 'a two-letter country code, e.g. GB';
  return allCountryCodes.includes(entry) ? undefined : 'not a country with a numbering plan';
}
