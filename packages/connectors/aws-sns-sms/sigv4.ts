import { createHash, createHmac } from 'node:crypto';

/*
 * AWS Signature Version 4 for requests signed in the Authorization header. Written here rather than
 * taken from the AWS SDK or `aws4`: it is a few lines of node:crypto on the security path, and it is
 * checked step by step against AWS's own signing test suite (sigv4-vectors.json).
 */

export const sigV4Algorithm = 'AWS4-HMAC-SHA256';

export interface SigV4Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface SigV4Request {
  method: string;
  /** The path as sent (`/` for SNS); each segment is normalised and URI-encoded here. */
  path: string;
  /** The query string without `?`; empty for a form POST. */
  query: string;
  /** Every header to sign, in any order and case; a name given twice is signed as one comma list. */
  headers: ReadonlyArray<readonly [string, string]>;
  /** The exact body bytes sent: any re-serialisation after signing breaks the signature. */
  body: string;
}

export interface SigV4Scope {
  region: string;
  service: string;
  /** The signing time; it must be the time in the request's X-Amz-Date header. */
  date: Date;
}

/** Every intermediate value, so tests can compare each step with AWS's published ones. */
export interface SigV4Signature {
  credentialScope: string;
  canonicalRequest: string;
  stringToSign: string;
  signedHeaders: string;
  signature: string;
  authorization: string;
}

/** `20150830T123600Z`: the X-Amz-Date form of a time (UTC, no separators, no fraction). */
export function amzDate(date: Date): string {
  return date
    .toISOString()
    .replace(/\.\d{3}Z$/, 'Z')
    .replace(/[-:]/g, '');
}

export function signSigV4(request: SigV4Request, credentials: SigV4Credentials, scope: SigV4Scope): SigV4Signature {
  const timestamp = amzDate(scope.date);
  const day = timestamp.slice(0, 8);
  const credentialScope = `${day}/${scope.region}/${scope.service}/aws4_request`;
  const { canonicalHeaders, signedHeaders } = canonicalizeHeaders(request.headers);
  const canonicalRequest = [
    request.method.toUpperCase(),
    canonicalPath(request.path),
    canonicalQuery(request.query),
    canonicalHeaders,
    signedHeaders,
    sha256Hex(request.body),
  ].join('\n');
  const stringToSign = [sigV4Algorithm, timestamp, credentialScope, sha256Hex(canonicalRequest)].join('\n');

  // The key is derived from the secret through the scope, so a leaked signing key is good for one day, region and service.
  const dateKey = hmac(`AWS4${credentials.secretAccessKey}`, day);
  const regionKey = hmac(dateKey, scope.region);
  const serviceKey = hmac(regionKey, scope.service);
  const signingKey = hmac(serviceKey, 'aws4_request');
  const signature = hmac(signingKey, stringToSign).toString('hex');

  return {
    credentialScope,
    canonicalRequest,
    stringToSign,
    signedHeaders,
    signature,
    authorization: `${sigV4Algorithm} Credential=${credentials.accessKeyId}/${credentialScope}, SignedHeaders=${signedHeaders}, Signature=${signature}`,
  };
}

/** RFC 3986 encoding: everything but A-Z a-z 0-9 - . _ ~ is percent-encoded, in upper-case hex. */
export function uriEncode(value: string): string {
  return encodeURIComponent(value).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

/**
 * Dot segments resolved and empty segments dropped (AWS normalises paths for every service but S3),
 * each segment encoded; a trailing slash stays.
 */
function canonicalPath(path: string): string {
  const segments: string[] = [];
  const parts = path.split('/');
  for (const part of parts) {
    if (part === '' || part === '.') continue;
    if (part === '..') segments.pop();
    else segments.push(uriEncode(part));
  }
  const last = parts.at(-1);
  const trailing = segments.length > 0 && (last === '' || last === '.' || last === '..');
  return `/${segments.join('/')}${trailing ? '/' : ''}`;
}

/** Pairs decoded, re-encoded the RFC 3986 way, and sorted by name then value. */
function canonicalQuery(query: string): string {
  if (query === '') return '';
  const pairs = query
    .split('&')
    .filter((pair) => pair !== '')
    .map((pair) => {
      const equals = pair.indexOf('=');
      const name = equals === -1 ? pair : pair.slice(0, equals);
      const value = equals === -1 ? '' : pair.slice(equals + 1);
      return [uriEncode(decodeURIComponent(name)), uriEncode(decodeURIComponent(value))] as const;
    });
  pairs.sort(([nameA, valueA], [nameB, valueB]) => compare(nameA, nameB) || compare(valueA, valueB));
  return pairs.map(([name, value]) => `${name}=${value}`).join('&');
}

/** Names lower-cased and sorted; values trimmed with inner runs of whitespace (folded lines too) made one space. */
function canonicalizeHeaders(headers: SigV4Request['headers']): { canonicalHeaders: string; signedHeaders: string } {
  const byName = new Map<string, string[]>();
  for (const [name, value] of headers) {
    const key = name.trim().toLowerCase();
    const values = byName.get(key) ?? [];
    values.push(value.trim().replace(/\s+/g, ' '));
    byName.set(key, values);
  }
  const names = [...byName.keys()].sort(compare);
  const canonicalHeaders = names.map((name) => `${name}:${(byName.get(name) ?? []).join(',')}\n`).join('');
  return { canonicalHeaders, signedHeaders: names.join(';') };
}

/** Code-unit order, which for the ASCII that canonical strings are made of is AWS's byte order. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

function hmac(key: string | Buffer, message: string): Buffer {
  return createHmac('sha256', key).update(message, 'utf8').digest();
}
