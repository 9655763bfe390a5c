import { createHash, createHmac } from 'node:crypto';

export const tc3Algorithm = 'TC3-HMAC-SHA256';

/** Only these two headers are signed: they are the ones every proxy and client keeps unchanged. */
const signedHeaders = 'content-type;host';

export interface Tc3Input {
  secretId: string;
  secretKey: string;
  /**
   * The product whose key is derived (`sms`, `cvm` ...). It is a parameter rather than a reading of
   * the host because the host may be a regional name, a proxy or the simulator while Tencent still
   * expects the product's own name in the scope.
   */
  service: string;
  /** The Host header exactly as the request carries it (with a port when it is not the default). */
  host: string;
  /** Seconds since the epoch; also sent as X-TC-Timestamp. */
  timestamp: number;
  contentType: string;
  /** The exact bytes sent; any re-serialisation after signing breaks the signature. */
  body: string;
  method?: 'POST' | 'GET';
  /** The request path; the Tencent Cloud API itself is always served at `/`. */
  path?: string;
  query?: string;
}

/** Every intermediate value, so tests can compare each step with the published examples. */
export interface Tc3Signature {
  date: string;
  credentialScope: string;
  hashedRequestPayload: string;
  canonicalRequest: string;
  hashedCanonicalRequest: string;
  stringToSign: string;
  secretDateHex: string;
  secretServiceHex: string;
  secretSigningHex: string;
  signature: string;
  authorization: string;
}

/** TC3-HMAC-SHA256, the signature of the Tencent Cloud API 3.0. */
export function signTc3(input: Tc3Input): Tc3Signature {
  // The scope date is the UTC day of the timestamp, not the signer's local day.
  const date = new Date(input.timestamp * 1000).toISOString().slice(0, 10);
  const credentialScope = `${date}/${input.service}/tc3_request`;
  const hashedRequestPayload = sha256Hex(input.body);
  const canonicalRequest = [
    input.method ?? 'POST',
    input.path ?? '/',
    input.query ?? '',
    // Tencent lower-cases header values as well as names before signing.
    `content-type:${input.contentType.trim().toLowerCase()}\nhost:${input.host.trim().toLowerCase()}\n`,
    signedHeaders,
    hashedRequestPayload,
  ].join('\n');
  const hashedCanonicalRequest = sha256Hex(canonicalRequest);
  const stringToSign = [tc3Algorithm, String(input.timestamp), credentialScope, hashedCanonicalRequest].join('\n');

  const secretDate = hmac(`TC3${input.secretKey}`, date);
  const secretService = hmac(secretDate, input.service);
  const secretSigning = hmac(secretService, 'tc3_request');
  const signature = hmac(secretSigning, stringToSign).toString('hex');

  return {
    date,
    credentialScope,
    hashedRequestPayload,
    canonicalRequest,
    hashedCanonicalRequest,
    stringToSign,
    secretDateHex: secretDate.toString('hex'),
    secretServiceHex: secretService.toString('hex'),
    secretSigningHex: secretSigning.toString('hex'),
    signature,
    authorization: `${tc3Algorithm} Credential=${input.secretId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}
