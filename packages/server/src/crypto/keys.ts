import { createHash, hkdfSync, randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { type Config, decodeKey } from '../config.ts';
import { ensurePrivateDirectory, restrictToOwner } from '../private-files.ts';

/** The keys derived from one master key. */
export interface DerivedKeys {
  /** Short public id of the master key, stored beside every ciphertext and code hash. */
  keyId: string;
  /** AES-256-GCM key for provider secrets and signing keys. */
  encryptionKey: Buffer;
  /** HMAC key for verification codes; derived, so one secret protects both. */
  codeKey: Buffer;
}

/**
 * The current key (`keyId`, `encryptionKey`, `codeKey`: everything new is written with it) and the
 * previous keys, which only read what was written before a key change (see `passline keys rotate`).
 */
export interface KeyRing extends DerivedKeys {
  /** Decryption only; never used to write. */
  previous: readonly DerivedKeys[];
  /** Where the current key came from, for the start-up log. */
  source: 'environment' | 'generated' | 'file';
}

export function deriveKeys(master: Buffer): DerivedKeys {
  const derive = (label: string) => Buffer.from(hkdfSync('sha256', master, Buffer.alloc(0), label, 32));
  return {
    keyId: createHash('sha256').update(master).digest('hex').slice(0, 8),
    encryptionKey: derive('passline/secrets/v1'),
    codeKey: derive('passline/codes/v1'),
  };
}

export function keyRingFrom(master: Buffer, source: KeyRing['source'], previous: readonly Buffer[] = []): KeyRing {
  const current = deriveKeys(master);
  const seen = new Set([current.keyId]);
  const older: DerivedKeys[] = [];
  for (const key of previous.map(deriveKeys)) {
    // The current key listed as a previous one too (halfway through a rotation) is not a second key.
    if (seen.has(key.keyId)) continue;
    seen.add(key.keyId);
    older.push(key);
  }
  return { ...current, previous: older, source };
}

/** The key with this id, current or previous; undefined when it is not configured. */
export function keyById(keys: KeyRing, keyId: string): DerivedKeys | undefined {
  return keyId === keys.keyId ? keys : keys.previous.find((key) => key.keyId === keyId);
}

/** Every configured key id, the current one first. */
export function configuredKeyIds(keys: KeyRing): string[] {
  return [keys.keyId, ...keys.previous.map((key) => key.keyId)];
}

/** The key ring of a configuration: the key from the environment, or the key file in the data folder. */
export function loadKeyRing(config: Pick<Config, 'encryptionKey' | 'previousEncryptionKeys' | 'dataDir'>): KeyRing {
  const previous = config.previousEncryptionKeys ?? [];
  return config.encryptionKey
    ? keyRingFrom(config.encryptionKey, 'environment', previous)
    : loadOrCreateKeyFile(config.dataDir, previous);
}

const keyFileName = 'encryption.key';
/** Embedded mode: keys replaced by `passline keys rotate --generate`, kept until nothing needs them. */
export const previousKeyFileName = 'encryption.previous.key';

/**
 * Embedded mode: read `encryption.key` from the data folder, or create it once with 0600
 * permissions. Losing this file makes stored provider secrets unreadable, so it is only ever
 * replaced by `rotateKeyFile`, which keeps the old key in `encryption.previous.key` first.
 */
export function loadOrCreateKeyFile(dataDir: string, previousFromEnvironment: readonly Buffer[] = []): KeyRing {
  ensurePrivateDirectory(dataDir);
  const previous = [...readPreviousKeyFile(dataDir), ...previousFromEnvironment];
  const current = readKeyFile(dataDir);
  if (current) return keyRingFrom(current, 'file', previous);
  const key = randomBytes(32);
  // `wx` fails if another process created the file in the meantime, instead of overwriting it.
  writePrivateFile(join(dataDir, keyFileName), `${key.toString('base64')}\n`, 'wx');
  return keyRingFrom(key, 'generated', previous);
}

/**
 * `passline keys rotate --generate`: a new key in `encryption.key`, the old one appended to
 * `encryption.previous.key`. The previous file is written (and flushed) before the key file is
 * replaced, so a crash at any point leaves a data folder that still reads everything.
 */
export function rotateKeyFile(dataDir: string): { oldKeyId: string; newKeyId: string } {
  ensurePrivateDirectory(dataDir);
  const old = readKeyFile(dataDir);
  if (!old) throw new Error(`${join(dataDir, keyFileName)} does not exist; there is no key to rotate`);
  const previousFile = join(dataDir, previousKeyFileName);
  const kept = readPreviousKeyFile(dataDir);
  if (!kept.some((key) => key.equals(old))) {
    replacePrivateFile(previousFile, [...kept, old].map((key) => `${key.toString('base64')}\n`).join(''));
  }
  const fresh = randomBytes(32);
  replacePrivateFile(join(dataDir, keyFileName), `${fresh.toString('base64')}\n`);
  return { oldKeyId: deriveKeys(old).keyId, newKeyId: deriveKeys(fresh).keyId };
}

/** Deletes `encryption.previous.key` once nothing stored needs it; true if there was one. */
export function removePreviousKeyFile(dataDir: string): boolean {
  const file = join(dataDir, previousKeyFileName);
  try {
    rmSync(file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw error;
  }
}

function readKeyFile(dataDir: string): Buffer | undefined {
  const file = join(dataDir, keyFileName);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const key = decodeKey(text);
  if (!key) throw new Error(`${file} does not hold a 32-byte key`);
  restrictToOwner(file, 0o600);
  return key;
}

/** One key a line, oldest first. */
function readPreviousKeyFile(dataDir: string): Buffer[] {
  const file = join(dataDir, previousKeyFileName);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  restrictToOwner(file, 0o600);
  const lines = text.split('\n').filter((line) => line.trim() !== '');
  return lines.map((line, index) => {
    const key = decodeKey(line);
    if (!key) throw new Error(`${file}, line ${index + 1}: not a 32-byte key`);
    return key;
  });
}

/** Writes and flushes a new file that only its owner can read; `wx` refuses to overwrite one. */
function writePrivateFile(file: string, text: string, flag: 'w' | 'wx'): void {
  const fd = openSync(file, flag, 0o600);
  try {
    writeSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  restrictToOwner(file, 0o600);
}

/** Replaces a file atomically: readers (and a crash) see the old content or the new, never half. */
function replacePrivateFile(file: string, text: string): void {
  const staging = `${file}.new`;
  writePrivateFile(staging, text, 'w');
  renameSync(staging, file);
  const dir = openSync(dirname(file), 'r');
  try {
    fsyncSync(dir);
  } finally {
    closeSync(dir);
  }
}
