import { createHash, createHmac, randomBytes, randomFillSync, randomInt, timingSafeEqual } from 'node:crypto';
import { type KeyRing, keyById } from './keys.ts';

/** A uniformly random numeric code of `length` digits (leading zeros allowed). */
export function generateCode(length: number): string {
  let code = '';
  for (let index = 0; index < length; index++) code += randomInt(10).toString();
  return code;
}

/** The only form in which a code is stored: bound to its verification id, keyed by the server. */
export function hashCode(codeKey: Buffer, verificationId: string, code: string): string {
  return createHmac('sha256', codeKey).update(`${verificationId}:${code}`).digest('base64url');
}

export function codeMatches(codeKey: Buffer, verificationId: string, code: string, storedHash: string): boolean {
  const candidate = Buffer.from(hashCode(codeKey, verificationId, code));
  const stored = Buffer.from(storedHash);
  return candidate.length === stored.length && timingSafeEqual(candidate, stored);
}

/**
 * What is stored for a code: `<key id>.<HMAC>`, under the current key. The key id lets a check pick
 * the key the code was issued under while the encryption key changes, and lets `passline keys
 * rotate` say how long codes in flight still need a previous key (codes cannot be re-hashed).
 */
export function hashCodeForStorage(keys: KeyRing, verificationId: string, code: string): string {
  return `${keys.keyId}.${hashCode(keys.codeKey, verificationId, code)}`;
}

/**
 * Checks a code against what `hashCodeForStorage` stored, with the key it names (current or
 * previous). A hash without a key id predates key ids: each configured key is tried, current first,
 * each comparison in constant time. A code issued under a key that is no longer configured does
 * not match.
 */
export function storedCodeMatches(keys: KeyRing, verificationId: string, code: string, stored: string): boolean {
  const separator = stored.indexOf('.');
  if (separator === -1) {
    return [keys, ...keys.previous].some((key) => codeMatches(key.codeKey, verificationId, code, stored));
  }
  const key = keyById(keys, stored.slice(0, separator));
  return key !== undefined && codeMatches(key.codeKey, verificationId, code, stored.slice(separator + 1));
}

// Ids are not secrets, but they must not collide or be guessable in bulk; drawing them from a pool
// refilled 4 KiB at a time avoids one getrandom call per id on the hot path.
const idPool = Buffer.alloc(4096);
let idPoolOffset = idPool.length;
const randomBytesPerId = 12;

// The 64 URL-safe characters in ASCII order, so ids sort by time as plain strings.
const sortableAlphabet = '-0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';

/** A millisecond timestamp (48 bits, good until year 10889) as 8 characters that sort like it. */
function timePrefix(ms: number): string {
  let text = '';
  for (let index = 0, rest = ms; index < 8; index++, rest = Math.floor(rest / 64)) {
    text = sortableAlphabet[rest % 64] + text;
  }
  return text;
}

/**
 * URL-safe identifiers with a readable prefix (`vrf_…`, `con_…`): 8 characters of creation time,
 * then 96 random bits. Time first means new rows land at the end of the primary-key index instead
 * of on a random page, which keeps each commit's writes to a few pages on both engines.
 */
export function newId(prefix: string, now = Date.now()): string {
  if (idPoolOffset + randomBytesPerId > idPool.length) {
    randomFillSync(idPool);
    idPoolOffset = 0;
  }
  const random = idPool.toString('base64url', idPoolOffset, idPoolOffset + randomBytesPerId);
  idPoolOffset += randomBytesPerId;
  return `${prefix}_${timePrefix(now)}${random}`;
}

/** API keys are 256-bit random, so a fast hash is enough to store them safely. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): string {
  return `pl_${randomBytes(32).toString('base64url')}`;
}
