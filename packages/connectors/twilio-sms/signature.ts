import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Twilio signs the webhooks it sends (message status callbacks, inbound messages) with the
 * account's Auth Token in the `X-Twilio-Signature` header. Passline's outbound requests use Basic
 * auth instead, but whoever receives Twilio's callbacks for this connector needs these helpers.
 */

/** Form parameters as Twilio posts them; a repeated name carries a list. */
export type TwilioParams = Readonly<Record<string, string | readonly string[]>>;

/** The exact text Twilio signs: the URL, then every parameter as name+value, sorted by name. */
export function twilioStringToSign(url: string, params: TwilioParams = {}): string {
  let text = url;
  // Plain sort compares UTF-16 code units, which is the order Twilio's SDKs use.
  for (const name of Object.keys(params).sort()) {
    const value = params[name];
    if (typeof value === 'string') {
      text += name + value;
      continue;
    }
    // Twilio's SDKs drop duplicate values of a repeated name before sorting them.
    for (const item of [...new Set(value)].sort()) text += name + item;
  }
  return text;
}

/** `X-Twilio-Signature` for a URL and its form parameters: base64 HMAC-SHA1 keyed with the Auth Token. */
export function computeTwilioSignature(authToken: string, url: string, params: TwilioParams = {}): string {
  return createHmac('sha1', authToken).update(twilioStringToSign(url, params), 'utf8').digest('base64');
}

/** Lowercase hex SHA-256 of a raw body, the value Twilio puts in `bodySHA256` for JSON webhooks. */
export function twilioBodySha256(rawBody: string): string {
  return createHash('sha256').update(rawBody, 'utf8').digest('hex');
}

export interface TwilioSignatureCheck {
  authToken: string;
  /** The `X-Twilio-Signature` header as received. */
  signature: string;
  /** The full public URL Twilio called, as configured in Twilio (scheme, host, path, query). */
  url: string;
  /** Form parameters of an `application/x-www-form-urlencoded` webhook. */
  params?: TwilioParams;
  /** The raw body of an `application/json` webhook, whose URL carries `bodySHA256`. */
  rawBody?: string;
}

/**
 * Checks an `X-Twilio-Signature`. A proxy in front of the receiver often adds or drops the default
 * port, so like Twilio's SDKs it accepts the signature for the URL with or without the port. For
 * JSON webhooks (URL with `bodySHA256`) the body hash must match too and only the URL is signed.
 */
export function validateTwilioSignature(check: TwilioSignatureCheck): boolean {
  let params = check.params ?? {};
  const bodyHash = bodySha256Param(check.url);
  if (bodyHash !== undefined) {
    if (check.rawBody === undefined || !sameText(twilioBodySha256(check.rawBody), bodyHash.toLowerCase())) return false;
    params = {};
  }
  const candidates = new Set([withoutPort(check.url), withDefaultPort(check.url)]);
  let valid = false;
  // Every candidate is checked so the time taken does not tell which form matched.
  for (const url of candidates) {
    if (sameText(computeTwilioSignature(check.authToken, url, params), check.signature)) valid = true;
  }
  return valid;
}

function sameText(expected: string, received: string): boolean {
  const left = Buffer.from(expected, 'utf8');
  const right = Buffer.from(received, 'utf8');
  // Lengths are public (a base64 HMAC-SHA1 is always 28 characters): only equal lengths need the
  // constant-time compare.
  return left.length === right.length && timingSafeEqual(left, right);
}

function bodySha256Param(url: string): string | undefined {
  const query = url.split('#')[0]?.split('?')[1];
  if (query === undefined) return undefined;
  return new URLSearchParams(query).get('bodySHA256') ?? undefined;
}

// The WHATWG URL parser drops default ports, and the signed text must be the URL byte for byte,
// so the port is edited in the string itself.
const urlParts = /^([a-z][a-z0-9+.-]*:\/\/)(?:([^@/?#]*)@)?(\[[^\]]*\]|[^:/?#]*)(?::(\d*))?(.*)$/is;
const defaultPorts: Record<string, string> = { 'http://': '80', 'https://': '443' };

function withoutPort(url: string): string {
  const parts = urlParts.exec(url);
  if (!parts) return url;
  const [, scheme, userinfo, host, , rest] = parts;
  return `${scheme}${userinfo === undefined ? '' : `${userinfo}@`}${host}${rest}`;
}

function withDefaultPort(url: string): string {
  const parts = urlParts.exec(url);
  if (!parts) return url;
  const [, scheme = '', userinfo, host, port, rest] = parts;
  const effectivePort = port || defaultPorts[scheme.toLowerCase()];
  if (!effectivePort) return url;
  return `${scheme}${userinfo === undefined ? '' : `${userinfo}@`}${host}:${effectivePort}${rest}`;
}
