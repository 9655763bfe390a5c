import { createHash, createHmac } from 'node:crypto';

/** The signing methods Vonage offers (Dashboard > API settings > Signed messages). */
export const vonageSignatureMethods = ['md5hash', 'md5', 'sha1', 'sha256', 'sha512'] as const;
export type VonageSignatureMethod = (typeof vonageSignatureMethods)[number];

/**
 * The text Vonage signs: every parameter except `sig`, sorted by name, each as `&name=value`, with
 * `&` and `=` inside values replaced by `_` (so a value cannot forge another pair).
 */
export function vonageStringToSign(params: Readonly<Record<string, string>>): string {
  return Object.keys(params)
    .filter((name) => name !== 'sig')
    .sort()
    .map((name) => `&${name}=${(params[name] ?? '').replace(/[&=]/g, '_')}`)
    .join('');
}

/**
 * Vonage's `sig`: for `md5hash` the MD5 of the string to sign followed by the signature secret,
 * for the others an HMAC of the string keyed with the secret; lowercase hex either way.
 */
export function computeVonageSignature(
  params: Readonly<Record<string, string>>,
  signatureSecret: string,
  method: VonageSignatureMethod,
): string {
  const text = vonageStringToSign(params);
  if (method === 'md5hash')
    return createHash('md5')
      .update(text + signatureSecret, 'utf8')
      .digest('hex');
  return createHmac(method, signatureSecret).update(text, 'utf8').digest('hex');
}
