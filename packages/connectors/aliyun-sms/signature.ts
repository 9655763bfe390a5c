import { createHash, createHmac } from 'node:crypto';

/**
 * Aliyun's percent-encoding (RFC 3986 on UTF-8): only `A-Z a-z 0-9 - _ . ~` stay as they are.
 * `encodeURIComponent` also leaves `! ' ( ) *` alone, and Aliyun's server encodes them, so a value
 * containing one of them would otherwise sign differently on each side.
 */
export function percentEncode(value: string): string {
  return encodeURIComponent(value).replace(
    /[!'()*]/g,
    (character) => `%${character.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

/** `k=v&k=v` with names and values percent-encoded, sorted by encoded name (byte order). */
export function canonicalQueryString(params: Readonly<Record<string, string>>): string {
  return Object.entries(params)
    .map(([name, value]) => [percentEncode(name), percentEncode(value)] as const)
    .sort(([left], [right]) => (left < right ? -1 : left > right ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

export interface RpcV1Signature {
  canonicalizedQueryString: string;
  stringToSign: string;
  hmacKey: string;
  /** Base64, as it goes into the `Signature` parameter before percent-encoding. */
  signature: string;
}

/**
 * RPC signature 1.0 (HMAC-SHA1). `params` are every request parameter, common and API ones,
 * without `Signature` itself.
 */
export function signRpcV1(
  method: string,
  params: Readonly<Record<string, string>>,
  accessKeySecret: string,
): RpcV1Signature {
  const canonicalizedQueryString = canonicalQueryString(params);
  const stringToSign = `${method.toUpperCase()}&${percentEncode('/')}&${percentEncode(canonicalizedQueryString)}`;
  const hmacKey = `${accessKeySecret}&`;
  const signature = createHmac('sha1', hmacKey).update(stringToSign, 'utf8').digest('base64');
  return { canonicalizedQueryString, stringToSign, hmacKey, signature };
}

/** The signed parameters as a query string or form body: `Signature` first, then the canonical list. */
export function rpcV1EncodedParams(signed: RpcV1Signature): string {
  return `Signature=${percentEncode(signed.signature)}&${signed.canonicalizedQueryString}`;
}

export interface Acs3Input {
  method: string;
  /** The path Aliyun sees; always `/` for RPC-style APIs such as SendSms. */
  path?: string;
  query: Readonly<Record<string, string>>;
  /** At least `host` and the `x-acs-*` headers; `x-acs-content-sha256` is filled in from the body when absent. */
  headers: Readonly<Record<string, string>>;
  body: string;
  accessKeyId: string;
  accessKeySecret: string;
}

export interface Acs3Signature {
  hashedRequestPayload: string;
  canonicalQueryString: string;
  canonicalHeaders: string;
  signedHeaders: string;
  canonicalRequest: string;
  hashedCanonicalRequest: string;
  stringToSign: string;
  signature: string;
  authorization: string;
  /** The headers that were signed (names lower-case), including `x-acs-content-sha256`. */
  headers: Record<string, string>;
}

export const acs3Algorithm = 'ACS3-HMAC-SHA256';

const sha256Hex = (data: string) => createHash('sha256').update(data, 'utf8').digest('hex');

/** Only these take part in the signature; other headers (user-agent, accept ...) may change in transit. */
function isSignedHeader(name: string): boolean {
  return name === 'host' || name === 'content-type' || name.startsWith('x-acs-');
}

/** V3 signature (ACS3-HMAC-SHA256), the scheme current Alibaba Cloud SDKs use. */
export function signAcs3(input: Acs3Input): Acs3Signature {
  const hashedRequestPayload = sha256Hex(input.body);
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(input.headers)) headers[name.toLowerCase()] = value.trim();
  headers['x-acs-content-sha256'] ??= hashedRequestPayload;

  const names = Object.keys(headers).filter(isSignedHeader).sort();
  const canonicalHeaders = names.map((name) => `${name}:${headers[name]}\n`).join('');
  const signedHeaders = names.join(';');
  const query = canonicalQueryString(input.query);
  const canonicalRequest = [
    input.method.toUpperCase(),
    input.path ?? '/',
    query,
    canonicalHeaders,
    signedHeaders,
    hashedRequestPayload,
  ].join('\n');
  const hashedCanonicalRequest = sha256Hex(canonicalRequest);
  const stringToSign = `${acs3Algorithm}\n${hashedCanonicalRequest}`;
  // Unlike RPC 1.0, the key is the bare secret: no trailing `&`.
  const signature = createHmac('sha256', input.accessKeySecret).update(stringToSign, 'utf8').digest('hex');
  const authorization = `${acs3Algorithm} Credential=${input.accessKeyId},SignedHeaders=${signedHeaders},Signature=${signature}`;
  return {
    hashedRequestPayload,
    canonicalQueryString: query,
    canonicalHeaders,
    signedHeaders,
    canonicalRequest,
    hashedCanonicalRequest,
    stringToSign,
    signature,
    authorization,
    headers,
  };
}
