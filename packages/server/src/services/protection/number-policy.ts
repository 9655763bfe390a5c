import { BlockList, isIPv4, isIPv6 } from 'node:net';
import type { NumberType, ProtectionReason, ProtectionSettings } from '@passline/contracts';
import { type CountryCode, getCountryCallingCode } from 'libphonenumber-js/max';
import type { PhoneNumber } from '../../phone.ts';

/** What protection knows about a destination number. */
export interface Destination {
  e164: string;
  /** ISO 3166-1 alpha-2; null for the non-geographic ranges (+800, +870, +881, +882, +883, ...). */
  country: string | null;
  type: NumberType;
  /** The number without its last `prefixWildcardDigits` digits: the range budgets and the guard count. */
  range: string;
}

export function destinationOf(phone: PhoneNumber, wildcardDigits: number): Destination {
  const country = phone.country ?? null;
  // A number outside every country is satellite or an international service, whatever its subtype.
  const type: NumberType = country === null ? 'NON_GEOGRAPHIC' : (phone.getType() ?? 'UNKNOWN');
  return { e164: phone.number, country, type, range: rangeOf(phone.number, country, wildcardDigits) };
}

/**
 * The range of a valid E.164 number: without its last `wildcardDigits` digits, but keeping the
 * country calling code and at least two more digits, however short the number. A non-geographic
 * number (no country) keeps at least its first five digits.
 */
export function rangeOf(e164: string, country: string | null, wildcardDigits: number): string {
  const callingCode = country === null ? 3 : getCountryCallingCode(country as CountryCode).length;
  return e164.slice(0, Math.max(callingCode + 3, e164.length - wildcardDigits));
}

/** A range as logs, events and the console show it: `+447012345***`. */
export function maskedRange(destination: Destination): string {
  return destination.range + '*'.repeat(destination.e164.length - destination.range.length);
}

/** The country or number-type rule a destination breaks, if any. */
export function policyRefusal(settings: ProtectionSettings, destination: Destination): ProtectionReason | undefined {
  const { country } = destination;
  if (country !== null && settings.blockedCountries.includes(country)) return 'fraud.country_blocked';
  if (settings.allowedCountries !== null && (country === null || !settings.allowedCountries.includes(country))) {
    // A non-geographic number belongs to no allowed country; its type rule would refuse it anyway.
    if (country !== null || !settings.allowedNumberTypes.includes('NON_GEOGRAPHIC')) return 'fraud.country_blocked';
  }
  if (!settings.allowedNumberTypes.includes(destination.type)) return 'fraud.number_type_blocked';
  return undefined;
}

/** The always-allow rules, compiled once per settings value. */
export interface Exceptions {
  covers(destination: Destination, clientIp: string | undefined): boolean;
}

export function compileExceptions(settings: ProtectionSettings): Exceptions {
  const addresses = new BlockList();
  for (const entry of settings.alwaysAllowIpRanges) addToBlockList(addresses, entry);
  const countries = new Set(settings.alwaysAllowCountries);
  const prefixes = settings.alwaysAllowNumberPrefixes;
  const any = settings.alwaysAllowIpRanges.length + countries.size + prefixes.length > 0;
  return {
    covers(destination, clientIp) {
      if (!any) return false;
      if (destination.country !== null && countries.has(destination.country)) return true;
      if (prefixes.some((prefix) => destination.e164.startsWith(prefix))) return true;
      if (clientIp === undefined) return false;
      const family = isIPv4(clientIp) ? 'ipv4' : isIPv6(clientIp) ? 'ipv6' : undefined;
      return family !== undefined && addresses.check(clientIp, family);
    },
  };
}

/** Adds an address or CIDR range; returns false for text that is neither (the settings check uses it). */
export function addToBlockList(list: BlockList, entry: string): boolean {
  const [address = '', bits, extra] = entry.trim().split('/');
  if (extra !== undefined) return false;
  const family = isIPv4(address) ? 'ipv4' : isIPv6(address) ? 'ipv6' : undefined;
  if (!family) return false;
  if (bits === undefined) {
    list.addAddress(address, family);
    return true;
  }
  const prefix = Number(bits);
  if (!/^\d{1,3}$/.test(bits) || prefix > (family === 'ipv4' ? 32 : 128)) return false;
  list.addSubnet(address, prefix, family);
  return true;
}
