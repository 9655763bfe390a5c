import { createHash, randomInt } from 'node:crypto';

export const recoveryCodeCount = 10;

// Crockford-style base32 without look-alikes (no I, L, O, U): 16 characters carry 80 bits.
const alphabet = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const groups = 4;
const groupLength = 4;

/** `XXXX-XXXX-XXXX-XXXX`: 80 random bits, readable aloud and easy to type from paper. */
export function newRecoveryCode(): string {
  const parts: string[] = [];
  for (let group = 0; group < groups; group++) {
    let part = '';
    for (let index = 0; index < groupLength; index++) part += alphabet[randomInt(alphabet.length)];
    parts.push(part);
  }
  return parts.join('-');
}

/** Upper case, without spaces or dashes, with look-alike letters mapped to their digits. */
export function normalizeRecoveryCode(input: string): string | undefined {
  const compact = input.toUpperCase().replace(/[\s-]/g, '').replace(/[IL]/g, '1').replace(/O/g, '0');
  if (compact.length !== groups * groupLength) return undefined;
  for (const character of compact) if (!alphabet.includes(character)) return undefined;
  return compact;
}

/**
 * Recovery codes carry 80 random bits, so (like API keys) a fast hash stores them safely: no
 * guessable password hides behind it. Bound to the admin, so equal hashes never collide across admins.
 */
export function hashRecoveryCode(adminId: string, normalized: string): string {
  return createHash('sha256').update(`passline-recovery:${adminId}:${normalized}`).digest('base64url');
}
