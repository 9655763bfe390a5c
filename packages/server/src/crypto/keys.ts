import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeKey } from '../config.ts';

export interface KeyRing {
  /** Short public id of the master key, stored beside every ciphertext so keys can be rotated. */
  keyId: string;
  /** AES-256-GCM key for provider secrets. */
  encryptionKey: Buffer;
  /** HMAC key for verification codes; derived, so one secret protects both. */
  codeKey: Buffer;
  /** Where the key came from, for the start-up log. */
  source: 'environment' | 'generated' | 'file';
}

export function keyRingFrom(master: Buffer, source: KeyRing['source']): KeyRing {
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), label, 32));
  return {
    keyId: createHash('sha256').update(master).digest('hex').slice(0, 8),
    encryptionKey: derive('passline/secrets/v1'),
    codeKey: derive('passline/codes/v1'),
    source,
  };
}

/**
 * Embedded mode: read `encryption.key` from the data folder, or create it once with 0600
 * permissions. Losing this file makes stored provider secrets unreadable, so it is never rewritten.
 */
export function loadOrCreateKeyFile(dataDir: string): KeyRing {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, 'encryption.key');
  try {
    const key = decodeKey(readFileSync(file, 'utf8'));
    if (!key) throw new Error(`${file} does not hold a 32-byte key`);
    if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
    return keyRingFrom(key, 'file');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
  const key = randomBytes(32);
  // `wx` fails if another process created the file in the meantime, instead of overwriting it.
  writeFileSync(file, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  return keyRingFrom(key, 'generated');
}
