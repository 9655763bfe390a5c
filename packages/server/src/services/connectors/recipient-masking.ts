import { ConnectorError } from '@passline/connector-kit';
import { parsePhoneNumberFromString } from 'libphonenumber-js/max';
import { maskPhone } from '../../phone.ts';

// What may stand between the digits of a written number: "+1 (201) 555-0123", "138 0013 8000".
const separator = '[\\s().\\-/]{0,2}';
const spaced = (digits: string) => digits.split('').join(separator);

/**
 * Providers repeat the recipient's number in their error text ("The 'To' number +12015550123 is not
 * a valid phone number"), each in its own spelling: E.164, without the plus, with 00, as national
 * digits (with or without the trunk 0), grouped with spaces or dashes. Every spelling of `e164` in
 * `text` becomes the masked number, so provider text can be stored and logged.
 */
export function maskRecipientIn(text: string, e164: string): string {
  const parsed = parsePhoneNumberFromString(e164);
  if (!parsed) return text.replaceAll(e164, maskPhone(e164)).replaceAll(e164.replace(/^\+/, ''), maskPhone(e164));
  const countryCode = `(?:(?:\\+|00)${separator})?${spaced(parsed.countryCallingCode)}${separator}`;
  const trunkPrefix = `0${separator}`;
  const pattern = new RegExp(
    `(?<!\\d)(?:${countryCode}|${trunkPrefix})?\\(?${spaced(parsed.nationalNumber)}(?!\\d)`,
    'g',
  );
  return text.replace(pattern, maskPhone(e164));
}

/**
 * The same failure with the recipient's number masked in everything that is stored, logged or
 * shown (the admin message, the provider's message, config issues). The low-level `cause` is left
 * behind: it is the raw error of a request that may carry the number, and nothing shows it.
 */
export function withRecipientMasked(error: ConnectorError, e164: string): ConnectorError {
  const mask = (text: string | undefined) => (text === undefined ? undefined : maskRecipientIn(text, e164));
  return new ConnectorError(error.kind, mask(error.message) ?? '', {
    providerCode: error.providerCode,
    providerMessage: mask(error.providerMessage),
    providerRequestId: error.providerRequestId,
    httpStatus: error.httpStatus,
    retryAfterSeconds: error.retryAfterSeconds,
    issues: error.issues?.map((issue) => ({ path: issue.path, message: maskRecipientIn(issue.message, e164) })),
  });
}
