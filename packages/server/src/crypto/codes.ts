import { createHash, createHmac, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';

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

/** Random, URL-safe identifiers with a readable prefix (`vrf_…`, `con_…`). */
export function newId(prefix: string): string {
  return `${prefix}_${randomBytes(16).toString('base64url')}`;
}

/** API keys are 256-bit random, so a fast hash is enough to store them safely. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): string {
  return `pl_${randomBytes(32).toString('base64url')}`;
}
