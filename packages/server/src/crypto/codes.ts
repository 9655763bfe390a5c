import { createHash, createHmac, randomBytes, randomFillSync, randomInt, timingSafeEqual } from 'node:crypto';

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

// Ids are not secrets, but they must not collide or be guessable in bulk; drawing them from a pool
// refilled 4 KiB at a time avoids one getrandom call per id on the hot path.
const idPool = Buffer.alloc(4096);
let idPoolOffset = idPool.length;

/** Random, URL-safe identifiers (128 bits) with a readable prefix (`vrf_…`, `con_…`). */
export function newId(prefix: string): string {
  if (idPoolOffset + 16 > idPool.length) {
    randomFillSync(idPool);
    idPoolOffset = 0;
  }
  const id = idPool.toString('base64url', idPoolOffset, idPoolOffset + 16);
  idPoolOffset += 16;
  return `${prefix}_${id}`;
}

/** API keys are 256-bit random, so a fast hash is enough to store them safely. */
export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function generateApiKey(): string {
  return `pl_${randomBytes(32).toString('base64url')}`;
}
