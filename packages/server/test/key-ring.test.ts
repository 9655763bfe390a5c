import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { hashCode, hashCodeForStorage, storedCodeMatches } from '../src/crypto/codes.ts';
import {
  deriveKeys,
  keyRingFrom,
  loadOrCreateKeyFile,
  previousKeyFileName,
  removePreviousKeyFile,
  rotateKeyFile,
} from '../src/crypto/keys.ts';
import { open, seal, UnreadableSecretError } from '../src/crypto/secret-box.ts';
import { createPassline } from '../src/main.ts';
import { testConfig } from './engines.ts';

const modeOf = (path: string) => statSync(path).mode & 0o777;

describe('PASSLINE_ENCRYPTION_KEYS_PREVIOUS', () => {
  const current = randomBytes(32);
  const first = randomBytes(32);
  const second = randomBytes(32);

  it('takes comma-separated keys in the encodings of PASSLINE_ENCRYPTION_KEY', () => {
    const config = loadConfig({
      PASSLINE_ENCRYPTION_KEY: current.toString('base64'),
      PASSLINE_ENCRYPTION_KEYS_PREVIOUS: ` ${first.toString('hex')} ,${second.toString('base64url')},`,
    });
    expect(config.previousEncryptionKeys?.map((key) => key.toString('hex'))).toEqual([
      first.toString('hex'),
      second.toString('hex'),
    ]);
    expect(loadConfig({}).previousEncryptionKeys).toEqual([]);
  });

  it('names a bad entry by its position, never by its value', () => {
    const load = () =>
      loadConfig({
        PASSLINE_ENCRYPTION_KEYS_PREVIOUS: `${first.toString('base64')},not-a-key-at-all,${'ab'.repeat(31)}`,
      });
    expect(load).toThrow(ConfigError);
    expect(load).toThrow(/PASSLINE_ENCRYPTION_KEYS_PREVIOUS: entries 2, 3 of 3: not 32 bytes/);
    const message = (() => {
      try {
        load();
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).not.toContain('not-a-key-at-all');
    expect(message).not.toContain(first.toString('base64'));
  });
});

describe('a key ring with previous keys', () => {
  const oldMaster = randomBytes(32);
  const newMaster = randomBytes(32);
  const before = keyRingFrom(oldMaster, 'environment');
  const during = keyRingFrom(newMaster, 'environment', [oldMaster, newMaster, oldMaster]);
  const after = keyRingFrom(newMaster, 'environment');

  it('writes with the current key only, and lists each previous key once', () => {
    expect(during.keyId).toBe(deriveKeys(newMaster).keyId);
    expect(during.previous.map((key) => key.keyId)).toEqual([before.keyId]);
    expect(JSON.parse(seal(during, 'secret', 'connector:a')).kid).toBe(during.keyId);
  });

  it('opens a value with the key its key id names', () => {
    const sealed = seal(before, 'secret', 'connector:a');
    expect(open(during, sealed, 'connector:a')).toBe('secret');
    expect(() => open(after, sealed, 'connector:a')).toThrow(UnreadableSecretError);
    expect(() => open(after, sealed, 'connector:a')).toThrow(
      `it was encrypted with key id ${before.keyId}, which is not configured (the current key is ${after.keyId}); set PASSLINE_ENCRYPTION_KEY to that key, or add it to PASSLINE_ENCRYPTION_KEYS_PREVIOUS`,
    );
    // A previous key never opens a value copied onto another row.
    expect(() => open(during, sealed, 'connector:b')).toThrow(/damaged or was copied from another row/);
  });

  it('checks a code with the key it was issued under, and a code hashed before key ids with each key', () => {
    const stored = hashCodeForStorage(before, 'vrf_1', '123456');
    expect(stored.startsWith(`${before.keyId}.`)).toBe(true);
    expect(stored).not.toContain('123456');
    expect(storedCodeMatches(during, 'vrf_1', '123456', stored)).toBe(true);
    expect(storedCodeMatches(during, 'vrf_1', '123457', stored)).toBe(false);
    expect(storedCodeMatches(during, 'vrf_2', '123456', stored)).toBe(false);
    expect(storedCodeMatches(after, 'vrf_1', '123456', stored)).toBe(false);

    const legacy = hashCode(before.codeKey, 'vrf_1', '123456');
    expect(storedCodeMatches(before, 'vrf_1', '123456', legacy)).toBe(true);
    expect(storedCodeMatches(during, 'vrf_1', '123456', legacy)).toBe(true);
    expect(storedCodeMatches(during, 'vrf_1', '654321', legacy)).toBe(false);
    expect(storedCodeMatches(after, 'vrf_1', '123456', legacy)).toBe(false);
  });
});

describe('the key file of embedded mode', () => {
  const dirs: string[] = [];
  const freshDir = () => {
    const dir = mkdtempSync(join(tmpdir(), 'passline-keyfile-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });

  it('rotates: a new key in encryption.key, the old ones kept in encryption.previous.key (0600)', () => {
    const dir = freshDir();
    const first = loadOrCreateKeyFile(dir);
    const firstRotation = rotateKeyFile(dir);
    expect(firstRotation.oldKeyId).toBe(first.keyId);
    const second = loadOrCreateKeyFile(dir);
    expect(second.source).toBe('file');
    expect(second.keyId).toBe(firstRotation.newKeyId);
    expect(second.previous.map((key) => key.keyId)).toEqual([first.keyId]);

    rotateKeyFile(dir);
    const third = loadOrCreateKeyFile(dir, [randomBytes(32)]);
    expect(third.previous.slice(0, 2).map((key) => key.keyId)).toEqual([first.keyId, second.keyId]);
    expect(third.previous).toHaveLength(3);
    for (const file of ['encryption.key', previousKeyFileName]) expect(modeOf(join(dir, file))).toBe(0o600);
    expect(existsSync(join(dir, 'encryption.key.new'))).toBe(false);

    expect(removePreviousKeyFile(dir)).toBe(true);
    expect(removePreviousKeyFile(dir)).toBe(false);
    expect(loadOrCreateKeyFile(dir).previous).toEqual([]);
  });

  it('refuses a previous key file with a line that is not a key, without printing it', () => {
    const dir = freshDir();
    loadOrCreateKeyFile(dir);
    writeFileSync(join(dir, previousKeyFileName), `${randomBytes(32).toString('base64')}\nsecret-looking-garbage\n`);
    expect(() => loadOrCreateKeyFile(dir)).toThrow(/encryption\.previous\.key, line 2: not a 32-byte key$/);
  });
});

describe('SQLite files are readable by their owner only', () => {
  const root = mkdtempSync(join(tmpdir(), 'passline-modes-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  const openEmbedded = (dataDir: string) =>
    createPassline(
      { ...testConfig({ engine: 'sqlite', file: join(dataDir, 'passline.db') }, dataDir), encryptionKey: undefined },
      { logger: pino({ level: 'silent' }) },
    );

  it('creates the data folder 0700 and the key, database, -wal and -shm files 0600', async () => {
    const dataDir = join(root, 'fresh', 'data');
    const passline = await openEmbedded(dataDir);
    await passline.apiKeys.create({ name: 'a write', scope: 'verify' });
    await passline.storage.sync();
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      for (const file of ['encryption.key', 'passline.db', 'passline.db-wal', 'passline.db-shm']) {
        expect(modeOf(join(dataDir, file)), file).toBe(0o600);
      }
    } finally {
      await passline.close();
    }
  });

  it('tightens the folder and files an older version left readable to others', async () => {
    const dataDir = join(root, 'older', 'data');
    await (await openEmbedded(dataDir)).close();
    chmodSync(dataDir, 0o755);
    for (const file of ['encryption.key', 'passline.db']) chmodSync(join(dataDir, file), 0o644);
    writeFileSync(join(dataDir, 'passline.db-wal'), '', { mode: 0o644 });
    chmodSync(join(dataDir, 'passline.db-wal'), 0o644);
    const passline = await openEmbedded(dataDir);
    try {
      expect(modeOf(dataDir)).toBe(0o700);
      for (const file of ['encryption.key', 'passline.db', 'passline.db-wal']) {
        expect(modeOf(join(dataDir, file)), file).toBe(0o600);
      }
      expect(readFileSync(join(dataDir, 'encryption.key'), 'utf8')).toMatch(/^[A-Za-z0-9+/]{43}=\n$/);
    } finally {
      await passline.close();
    }
  });
});
