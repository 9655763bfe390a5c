import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTokenService } from '../src/accounts/token-service.ts';
import { manualClock, phoneSequence, startTestPassline, type TestPassline } from './app.ts';
import { cliEnvironment, passlineBin } from './cli-env.ts';
import { describeEachEngine, testConfig } from './engines.ts';
import { type ExperienceClient, startExperienceApp } from './experience-helpers.ts';

describeEachEngine('signing-key rotation: a new key signs, old keys stay published a day', (database) => {
  let passline: TestPassline;
  let client: ExperienceClient;
  const clock = manualClock();
  const freshPhone = phoneSequence('205');

  beforeAll(async () => {
    ({ passline, client } = await startExperienceApp(database(), { clock }));
  });
  afterAll(() => passline.close());

  const jwks = async () => (await passline.request('GET', '/.well-known/jwks.json', { key: null })).body;
  const kidOf = (token: string) => decodeProtectedHeader(token).kid;

  it('signs with the new key at once, still verifies the old tokens, and forgets the old key a day later', async () => {
    const before = await client.register(freshPhone());
    const oldKid = kidOf(before.accessToken);
    // Another instance on the same database, which loaded the keys before the rotation.
    const other = createTokenService({ db: passline.storage.db, keys: passline.keys, clock });
    expect((await other.keyIds())[0]).toBe(oldKid);

    const newKid = await passline.accounts.tokens.rotateSigningKey();
    expect(newKid).not.toBe(oldKid);
    const after = await client.register(freshPhone());
    expect(kidOf(after.accessToken)).toBe(newKid);

    // Both published, the signer first; the old token still verifies.
    const published = await jwks();
    expect(published.keys.map((key: { kid: string }) => key.kid)).toEqual([newKid, oldKid]);
    const issuer = passline.publicUrl();
    for (const token of [before.accessToken, after.accessToken]) {
      await jwtVerify(token, createLocalJWKSet(published), { issuer, currentDate: new Date(clock.now()) });
    }
    // The OpenID Connect provider signs ID tokens with the first key it is given: the new one.
    expect((await passline.accounts.tokens.privateJwks()).map((key) => key.kid)).toEqual([newKid, oldKid]);

    // The other instance verifies the new key's tokens at once (an unknown kid reloads the list)
    // and signs with it within a minute.
    expect((await other.verifyAccessToken(after.accessToken, issuer)).sub).toBe(after.user.id);
    clock.advance(61_000);
    expect((await other.keyIds())[0]).toBe(newKid);

    // A rotation more than a day later forgets keys retired before then.
    clock.advance(86_400_000);
    const third = await passline.accounts.tokens.rotateSigningKey();
    expect((await jwks()).keys.map((key: { kid: string }) => key.kid)).toEqual([third, newKid]);
  });
});

describe('passline signing-keys rotate', () => {
  const { dataDir, env } = cliEnvironment('passline-signing-keys-');
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('creates a new signer and says so, keeping the previous key published', async () => {
    const embedded = () =>
      startTestPassline({
        engine: 'sqlite',
        config: {
          ...testConfig({ engine: 'sqlite', file: join(dataDir, 'passline.db') }, dataDir),
          encryptionKey: undefined,
        },
      });
    let app = await embedded();
    const [first] = await app.accounts.tokens.keyIds();
    await app.close();

    const { stdout, stderr } = await promisify(execFile)(process.execPath, [passlineBin, 'signing-keys', 'rotate'], {
      env,
    });
    expect(stderr).toBe('');
    const kid = /New signing key (\S+) signs from now on/.exec(stdout)?.[1];
    expect(kid).toBeTruthy();

    app = await embedded();
    try {
      expect(await app.accounts.tokens.keyIds()).toEqual([kid, first]);
    } finally {
      await app.close();
    }
  });
});
