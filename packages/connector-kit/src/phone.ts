import { parsePhoneNumberFromString } from 'libphonenumber-js/max';

/** ISO 3166 region of an E.164 number (`CN`, `US` ...), or undefined when unknown. */
export function phoneRegion(e164: string): string | undefined {
  return parsePhoneNumberFromString(e164)?.country;
}

/** `+8613812345678` → `{ countryCallingCode: "86", nationalNumber: "13812345678" }`. */
export function splitPhoneNumber(e164: string): { countryCallingCode: string; nationalNumber: string } | undefined {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return undefined;
  return { countryCallingCode: parsed.countryCallingCode, nationalNumber: parsed.nationalNumber };
}
