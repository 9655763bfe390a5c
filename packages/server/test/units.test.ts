import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError, loadConfig } from '../src/config.ts';
import { codeMatches, generateCode, hashCode, newId } from '../src/crypto/codes.ts';
import { keyRingFrom, loadOrCreateKeyFile } from '../src/crypto/keys.ts';
import { open, seal } from '../src/crypto/secret-box.ts';
import { errorCatalog } from '../src/errors.ts';
import { maskPhone, normalisePhone } from '../src/phone.ts';

describe('config', () => {
  it('defaults to the embedded mode', () => {
    const config = loadConfig({});
    expect(config).toMatchObject({
      port: 3000,
      host: 'localhost',
      database: { engine: 'sqlite' },
      redisUrl: undefined,
    });
    expect(config.database.engine === 'sqlite' && config.database.file).toMatch(/data\/passline\.db$/);
    expect(Object.isFrozen(config)).toBe(true);
  });

  it('lists every problem at once', () => {
    try {
      loadConfig({ PORT: '-1', PASSLINE_REDIS_URL: 'http://x', PASSLINE_ENCRYPTION_KEY: 'short', LOG_LEVEL: 'loud' });
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).problems.map((problem) => problem.split(':')[0])).toEqual([
        'PORT',
        'LOG_LEVEL',
        'PASSLINE_REDIS_URL',
        'PASSLINE_ENCRYPTION_KEY',
      ]);
    }
  });

  it('takes PASSLINE_PUBLIC_URL as an origin, and refuses anything with a path, query or credentials', () => {
    expect(loadConfig({}).publicUrl).toBeUndefined();
    expect(loadConfig({ PASSLINE_PUBLIC_URL: 'https://id.example.com/' }).publicUrl).toBe('https://id.example.com');
    expect(loadConfig({ PASSLINE_PUBLIC_URL: 'http://localhost:3000' }).publicUrl).toBe('http://localhost:3000');
    for (const bad of [
      'id.example.com',
      'ftp://id.example.com',
      'https://id.example.com/passline',
      'https://id.example.com/?a=1',
      'https://id.example.com/#x',
      'https://user:pw@id.example.com',
    ]) {
      expect(() => loadConfig({ PASSLINE_PUBLIC_URL: bad }), bad).toThrow(
        /PASSLINE_PUBLIC_URL: must be the http\(s\) origin/,
      );
    }
  });

  it('requires an explicit key with PostgreSQL, and accepts base64 and hex keys', () => {
    expect(() => loadConfig({ PASSLINE_DATABASE_URL: 'postgres://db/passline' })).toThrow(
      /PASSLINE_ENCRYPTION_KEY: required/,
    );
    const key = randomBytes(32);
    for (const encoded of [key.toString('base64'), key.toString('hex')]) {
      const config = loadConfig({ PASSLINE_DATABASE_URL: 'postgres://db/passline', PASSLINE_ENCRYPTION_KEY: encoded });
      expect(config.encryptionKey?.equals(key)).toBe(true);
      expect(config.database).toMatchObject({ engine: 'postgres', url: 'postgres://db/passline' });
    }
  });
});

describe('secrets at rest', () => {
  const keys = keyRingFrom(randomBytes(32), 'environment');

  it('round-trips, and uses a fresh nonce every time', () => {
    const first = seal(keys, '{"authToken":"t"}', 'connector:a');
    expect(open(keys, first, 'connector:a')).toBe('{"authToken":"t"}');
    expect(JSON.parse(seal(keys, '{"authToken":"t"}', 'connector:a')).iv).not.toBe(JSON.parse(first).iv);
    expect(first).not.toContain('authToken');
  });

  it("refuses a tampered value, another row's value and another key", () => {
    const sealed = JSON.parse(seal(keys, 'secret', 'connector:a'));
    const flipped = Buffer.from(sealed.ct, 'base64');
    flipped[0] = (flipped[0] as number) ^ 1;
    expect(() => open(keys, JSON.stringify({ ...sealed, ct: flipped.toString('base64') }), 'connector:a')).toThrow();
    expect(() => open(keys, JSON.stringify(sealed), 'connector:b')).toThrow();
    expect(() => open(keyRingFrom(randomBytes(32), 'environment'), JSON.stringify(sealed), 'connector:a')).toThrow(
      /encrypted with key/,
    );
  });

  it('creates the key file once with owner-only permissions and reuses it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'passline-key-'));
    const created = loadOrCreateKeyFile(dir);
    expect(created.source).toBe('generated');
    const again = loadOrCreateKeyFile(dir);
    expect(again.source).toBe('file');
    expect(again.keyId).toBe(created.keyId);
    writeFileSync(join(dir, 'encryption.key'), 'garbage');
    expect(() => loadOrCreateKeyFile(dir)).toThrow(/32-byte key/);
    expect(readFileSync(join(dir, 'encryption.key'), 'utf8')).toBe('garbage');
  });
});

describe('codes', () => {
  const codeKey = randomBytes(32);

  it('are numeric, of the asked length, and use every digit in every position', () => {
    const codes = Array.from({ length: 2000 }, () => generateCode(6));
    expect(codes.every((code) => /^\d{6}$/.test(code))).toBe(true);
    for (let position = 0; position < 6; position++) {
      expect(new Set(codes.map((code) => code[position])).size).toBe(10);
    }
    expect(generateCode(10)).toHaveLength(10);
  });

  it('are stored as an HMAC bound to the verification id', () => {
    const hash = hashCode(codeKey, 'vrf_1', '123456');
    expect(hash).not.toContain('123456');
    expect(codeMatches(codeKey, 'vrf_1', '123456', hash)).toBe(true);
    expect(codeMatches(codeKey, 'vrf_1', '123457', hash)).toBe(false);
    expect(codeMatches(codeKey, 'vrf_2', '123456', hash)).toBe(false);
    expect(codeMatches(randomBytes(32), 'vrf_1', '123456', hash)).toBe(false);
  });
});

describe('ids', () => {
  it('are URL-safe, unique, and sort by creation time as plain strings', () => {
    const times = [0, 1, 63, 64, 1_700_000_000_000, 1_700_000_000_001, 1_800_000_000_000, 2 ** 48 - 1];
    const ids = times.flatMap((time) => [newId('vrf', time), newId('vrf', time)]);
    expect(ids.every((id) => /^vrf_[A-Za-z0-9_-]{24}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    // Ordinal comparison, as database indexes with a binary collation compare them.
    const byCode = (left: string, right: string) => (left < right ? -1 : left > right ? 1 : 0);
    const sorted = [...ids].sort(byCode).map((id) => id.slice(4, 12));
    expect(sorted).toEqual(ids.map((id) => id.slice(4, 12)));
    // 5,000 ids in one millisecond stay unique (96 random bits each).
    expect(new Set(Array.from({ length: 5000 }, () => newId('msg', 42))).size).toBe(5000);
  });
});

describe('phone numbers', () => {
  it('normalise formatting variants to one E.164 number', () => {
    for (const variant of ['+1 (201) 555-0123', '+12015550123', '001 201 555 0123', ' +1-201-555-0123 ']) {
      expect(normalisePhone(variant)).toBe('+12015550123');
    }
    expect(normalisePhone('+86 138 0013 8000')).toBe('+8613800138000');
  });

  it('are masked for logs and responses', () => {
    expect(maskPhone('+15551234567')).toBe('+1555*****67');
    expect(maskPhone('+8613800138000')).toBe('+8613*******00');
  });
});

describe('error registry', () => {
  it('documents every error code in docs/errors.md', () => {
    const doc = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');
    const missing = Object.keys(errorCatalog).filter((code) => !doc.includes(`\`${code}\``));
    expect(missing).toEqual([]);
    for (const [code, entry] of Object.entries(errorCatalog)) {
      expect(doc, code).toMatch(new RegExp(`\\\`${code.replace('.', '\\.')}\\\` \\| ${entry.status} \\|`));
    }
  });
});
