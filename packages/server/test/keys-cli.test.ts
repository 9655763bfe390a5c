import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeKey } from '../src/config.ts';
import { deriveKeys } from '../src/crypto/keys.ts';
import { sealedKeyId } from '../src/crypto/secret-box.ts';
import { startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { cliEnvironment, passlineBin } from './cli-env.ts';
import { testConfig } from './engines.ts';

const run = promisify(execFile);
const { dataDir, env } = cliEnvironment('passline-keys-cli-');
// Previous keys from the caller's shell must not leak into these runs either.
const passline = (extraEnv: NodeJS.ProcessEnv, ...args: string[]) =>
  run(process.execPath, [passlineBin, ...args], {
    env: { ...env, PASSLINE_ENCRYPTION_KEYS_PREVIOUS: '', ...extraEnv },
  });
const keyFile = join(dataDir, 'encryption.key');
const previousKeyFile = join(dataDir, 'encryption.previous.key');

/** The app on the CLI's data folder: the same SQLite file and the same key file. */
const embedded = (config: { encryptionKey?: Buffer; previousEncryptionKeys?: Buffer[] } = {}) =>
  startTestPassline({
    engine: 'sqlite',
    config: {
      ...testConfig({ engine: 'sqlite', file: join(dataDir, 'passline.db') }, dataDir),
      encryptionKey: undefined,
      ...config,
    },
  });

const sealedKeyIds = async (app: TestPassline) => [
  ...(await app.storage.db.selectFrom('connectors').select('secrets').where('secrets', 'is not', null).execute()).map(
    (row) => sealedKeyId(row.secrets as string),
  ),
  ...(await app.storage.db.selectFrom('signing_keys').select('private_jwk').execute()).map((row) =>
    sealedKeyId(row.private_jwk),
  ),
];

/** Every spelling of a key that must never reach the output. */
const spellings = (key: Buffer) => [key.toString('base64'), key.toString('base64url'), key.toString('hex')];

describe('passline keys rotate (embedded SQLite with the generated key file)', () => {
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));
  let twilioId = '';
  let inFlight = { id: '', code: '' };
  let firstKey: Buffer = Buffer.alloc(0);
  let secondKey: Buffer = Buffer.alloc(0);

  it('--generate: a new key file, everything re-encrypted, the old key kept while a code needs it', async () => {
    const app = await embedded();
    const twilio = await app.request('POST', '/api/connectors', {
      body: {
        factoryId: 'twilio-sms',
        config: {
          accountSID: 'AC00000000000000000000000000000000',
          authToken: 'twilio-auth-token',
          from: '+15005550006',
          endpoint: 'http://127.0.0.1:9',
          templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
            usageType,
            content: 'Your code is {{code}}',
          })),
        },
      },
    });
    twilioId = twilio.body.id;
    expect((await app.request('GET', '/.well-known/jwks.json', { key: null })).status).toBe(200);
    const devSms = await useDevSms(app);
    const sent = await app.request('POST', '/api/verifications', { body: { to: '+13035550100', usage: 'SignIn' } });
    inFlight = { id: sent.body.id, code: await devSms.latestCode('+13035550100') };
    await app.close();
    firstKey = decodeKey(readFileSync(keyFile, 'utf8')) as Buffer;

    const rotated = await passline({}, 'keys', 'rotate', '--generate');
    secondKey = decodeKey(readFileSync(keyFile, 'utf8')) as Buffer;
    const [oldId, newId] = [deriveKeys(firstKey).keyId, deriveKeys(secondKey).keyId];
    expect(oldId).not.toBe(newId);
    expect(rotated.stdout).toContain(`Generated a new encryption key (key id ${newId})`);
    expect(rotated.stdout).toContain(`the old one (key id ${oldId}) is kept in encryption.previous.key`);
    expect(rotated.stdout).toContain(`Stored secrets re-encrypted under key id ${newId}:`);
    expect(rotated.stdout).toContain('connector secrets: 1 re-encrypted, 0 already under it');
    expect(rotated.stdout).toContain('token signing keys: 1 re-encrypted, 0 already under it');
    expect(rotated.stdout).toContain('1 verification code is in flight under a previous key');
    expect(rotated.stdout).toContain('Kept encryption.previous.key');
    for (const spelling of [...spellings(firstKey), ...spellings(secondKey)]) {
      expect(rotated.stdout + rotated.stderr).not.toContain(spelling);
    }
    expect(readFileSync(previousKeyFile, 'utf8').trim()).toBe(firstKey.toString('base64'));

    // The server reads the previous key from the data folder: the code sent before still checks.
    const after = await embedded();
    expect(await sealedKeyIds(after)).toEqual([newId, newId]);
    const checked = await after.request('POST', `/api/verifications/${inFlight.id}/check`, {
      body: { code: inFlight.code },
    });
    expect(checked.body).toEqual({ id: inFlight.id, status: 'approved' });
    await after.close();
  });

  it('a second run changes nothing and removes the previous key file once no code needs it', async () => {
    const again = await passline({}, 'keys', 'rotate');
    expect(again.stdout).toContain('connector secrets: 0 re-encrypted, 1 already under it');
    expect(again.stdout).toContain('token signing keys: 0 re-encrypted, 1 already under it');
    expect(again.stdout).toContain('Removed encryption.previous.key');
    expect(existsSync(previousKeyFile)).toBe(false);

    const app = await embedded();
    expect(app.keys.previous).toEqual([]);
    expect((await app.request('PATCH', `/api/connectors/${twilioId}`, { body: { config: {} } })).status).toBe(200);
    await app.close();
  });

  it('moves to a key from the environment with the file key as a previous one', async () => {
    const environmentKey = randomBytes(32);
    const rotated = await passline(
      {
        PASSLINE_ENCRYPTION_KEY: environmentKey.toString('base64'),
        PASSLINE_ENCRYPTION_KEYS_PREVIOUS: secondKey.toString('hex'),
      },
      'keys',
      'rotate',
    );
    expect(rotated.stdout).toContain(`under key id ${deriveKeys(environmentKey).keyId}`);
    expect(rotated.stdout).toContain('connector secrets: 1 re-encrypted');
    expect(rotated.stdout).toContain('Nothing stored needs PASSLINE_ENCRYPTION_KEYS_PREVIOUS any more');
    for (const spelling of [...spellings(environmentKey), ...spellings(secondKey)]) {
      expect(rotated.stdout + rotated.stderr).not.toContain(spelling);
    }
    const app = await embedded({ encryptionKey: environmentKey });
    expect(await sealedKeyIds(app)).toEqual([deriveKeys(environmentKey).keyId, deriveKeys(environmentKey).keyId]);
    await app.close();
  });

  it('refuses, changing nothing, when a stored value needs a key that is not configured', async () => {
    const before = readFileSync(keyFile, 'utf8');
    // The values are under the environment key now; the key file alone does not open them.
    await expect(passline({}, 'keys', 'rotate', '--generate')).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringMatching(
        /Nothing was changed: 2 stored values cannot be decrypted[\s\S]*PASSLINE_ENCRYPTION_KEYS_PREVIOUS/,
      ),
    });
    expect(readFileSync(keyFile, 'utf8')).toBe(before);
    expect(existsSync(previousKeyFile)).toBe(false);
  });

  it('refuses --generate when the key comes from the environment', async () => {
    const key = randomBytes(32).toString('base64');
    const refused = passline({ PASSLINE_ENCRYPTION_KEY: key }, 'keys', 'rotate', '--generate');
    await expect(refused).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('move the old one to PASSLINE_ENCRYPTION_KEYS_PREVIOUS'),
    });
    await refused.catch((error: { stderr: string }) => expect(error.stderr).not.toContain(key));
  });
});
