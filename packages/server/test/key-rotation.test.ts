import { randomBytes } from 'node:crypto';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deriveKeys } from '../src/crypto/keys.ts';
import { open, sealContext, sealedKeyId } from '../src/crypto/secret-box.ts';
import { startPassline } from '../src/main.ts';
import { phoneSequence, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine, type TestDatabase } from './engines.ts';
import { codeReader } from './experience-helpers.ts';

// One database through a whole key change: written under an old key, read with the old key as a
// previous one, re-encrypted by `keys rotate`, then read without it, then with a key that is not
// the one that wrote it.
describeEachEngine('encryption key rotation', (database) => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const strangerKey = randomBytes(32);
  const oldKeyId = deriveKeys(oldKey).keyId;
  const newKeyId = deriveKeys(newKey).keyId;
  const authToken = 'twilio-auth-token-never-shown';
  const password = 'correct horse battery';
  const freshPhone = phoneSequence('301');
  const member = freshPhone();
  const waiting = freshPhone();
  let twilioId = '';
  let untouchedTwilioId = '';
  let signingKid = '';
  let inFlight = { id: '', code: '' };
  let running: TestPassline | undefined;

  const start = async (encryptionKey: Buffer, previousEncryptionKeys: Buffer[] = []) => {
    running = await startTestPassline(database(), { config: { encryptionKey, previousEncryptionKeys } });
    return running;
  };
  const stop = async () => {
    await running?.close();
    running = undefined;
  };
  afterAll(stop);

  const twilioConfig = (from: string) => ({
    accountSID: 'AC00000000000000000000000000000000',
    authToken,
    from,
    endpoint: 'http://127.0.0.1:9',
    templates: ['Register', 'SignIn', 'ForgotPassword', 'Generic'].map((usageType) => ({
      usageType,
      content: 'Your code is {{code}}',
    })),
  });
  const signInWithPassword = (passline: TestPassline) =>
    passline.request('POST', '/api/experience/sign-in/password', { key: null, body: { phone: member, password } });
  const sealedRows = async (passline: TestPassline) => [
    ...(await passline.storage.db.selectFrom('connectors').select(['id', 'secrets as sealed']).execute())
      .filter((row) => row.sealed !== null)
      .map((row) => ({ sealed: row.sealed as string, context: sealContext.connector(row.id) })),
    ...(await passline.storage.db.selectFrom('signing_keys').select(['id', 'private_jwk as sealed']).execute()).map(
      (row) => ({ sealed: row.sealed, context: sealContext.signingKey(row.id) }),
    ),
  ];

  beforeAll(async () => {
    const passline = await start(oldKey);
    for (const [from, assign] of [
      ['+15005550006', (id: string) => (twilioId = id)],
      ['+15005550007', (id: string) => (untouchedTwilioId = id)],
    ] as const) {
      const created = await passline.request('POST', '/api/connectors', {
        body: { factoryId: 'twilio-sms', config: twilioConfig(from) },
      });
      expect(created.status).toBe(201);
      assign(created.body.id);
    }
    const devSms = await useDevSms(passline);
    await passline.request('PATCH', '/api/settings/verification', { body: { resendCooldownSeconds: 0 } });

    // An account with a password (its access token is signed with a key sealed under the old key).
    const sent = await passline.request('POST', '/api/experience/verification-code', {
      key: null,
      body: { phone: member, event: 'Register' },
    });
    await passline.request('POST', '/api/experience/verification-code/verify', {
      key: null,
      // Experience sends deliver in the background: the reader waits for the message.
      body: { verificationId: sent.body.verificationId, code: await codeReader(passline).next(member) },
    });
    const registered = await passline.request('POST', '/api/experience/register', {
      key: null,
      body: { verificationId: sent.body.verificationId, password },
    });
    expect(registered.status).toBe(201);
    signingKid = (await passline.request('GET', '/.well-known/jwks.json', { key: null })).body.keys[0].kid;

    // A code sent under the old key and not checked yet.
    const pending = await passline.request('POST', '/api/verifications', { body: { to: waiting, usage: 'SignIn' } });
    expect(pending.status).toBe(201);
    inFlight = { id: pending.body.id, code: await devSms.latestCode(waiting) };
    expect((await sealedRows(passline)).map((row) => sealedKeyId(row.sealed))).toEqual([oldKeyId, oldKeyId, oldKeyId]);
    await stop();
  });

  it('keeps everything working after the key changes, with the old key as a previous one', async () => {
    const passline = await start(newKey, [oldKey]);

    // Connector secrets: an edit that keeps the masked secret must decrypt the stored one.
    const edited = await passline.request('PATCH', `/api/connectors/${twilioId}`, {
      body: { config: { from: '+15005550008' } },
    });
    expect(edited.status, JSON.stringify(edited.body)).toBe(200);
    const row = await passline.storage.db
      .selectFrom('connectors')
      .select('secrets')
      .where('id', '=', twilioId)
      .executeTakeFirstOrThrow();
    expect(sealedKeyId(row.secrets as string)).toBe(newKeyId);
    expect(JSON.parse(open(passline.keys, row.secrets as string, sealContext.connector(twilioId)))).toEqual({
      authToken,
    });

    const jwks = await passline.request('GET', '/.well-known/jwks.json', { key: null });
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.map((key: { kid: string }) => key.kid)).toEqual([signingKid]);

    const signedIn = await signInWithPassword(passline);
    expect(signedIn.status, JSON.stringify(signedIn.body)).toBe(200);
    expect((await passline.request('GET', '/api/account', { key: signedIn.body.accessToken })).status).toBe(200);

    const checked = await passline.request('POST', `/api/verifications/${inFlight.id}/check`, {
      body: { code: inFlight.code },
    });
    expect(checked.body).toEqual({ id: inFlight.id, status: 'approved' });

    // A code sent now is hashed under the new key.
    const sent = await passline.request('POST', '/api/verifications', { body: { to: freshPhone(), usage: 'SignIn' } });
    const hash = await passline.storage.db
      .selectFrom('verifications')
      .select('code_hash')
      .where('id', '=', sent.body.id)
      .executeTakeFirstOrThrow();
    expect(hash.code_hash.startsWith(`${newKeyId}.`)).toBe(true);

    // The start-up log says what still waits for `keys rotate`.
    expect(await passline.keyRotation.startupNotes()).toEqual([
      {
        level: 'info',
        message: `Stored secrets still use the previous key id ${oldKeyId} (1 connector secret, 1 token signing key); run \`passline keys rotate\` to re-encrypt them under key id ${newKeyId}.`,
      },
    ]);
    await stop();
  });

  it('re-encrypts every sealed value under the current key, once', async () => {
    const passline = await start(newKey, [oldKey]);
    const first = await passline.keyRotation.rotate();
    expect(first).toMatchObject({
      keyId: newKeyId,
      // The edited connector was re-sealed by its edit; the other one and the signing key were not.
      connectorSecrets: { reencrypted: 1, alreadyCurrent: 1, changedMeanwhile: 0 },
      signingKeys: { reencrypted: 1, alreadyCurrent: 0, changedMeanwhile: 0 },
    });
    const rows = await sealedRows(passline);
    expect(rows.map((row) => sealedKeyId(row.sealed))).toEqual([newKeyId, newKeyId, newKeyId]);
    const untouched = await passline.storage.db
      .selectFrom('connectors')
      .select('secrets')
      .where('id', '=', untouchedTwilioId)
      .executeTakeFirstOrThrow();
    expect(
      JSON.parse(open(passline.keys, untouched.secrets as string, sealContext.connector(untouchedTwilioId))),
    ).toEqual({ authToken });

    const second = await passline.keyRotation.rotate();
    expect(second.connectorSecrets).toEqual({ reencrypted: 0, alreadyCurrent: 2, changedMeanwhile: 0 });
    expect(second.signingKeys).toEqual({ reencrypted: 0, alreadyCurrent: 1, changedMeanwhile: 0 });
    expect(await sealedRows(passline)).toEqual(rows);
    await stop();
  });

  it('works without the previous key once rotated', async () => {
    const passline = await start(newKey);
    for (const id of [twilioId, untouchedTwilioId]) {
      expect((await passline.request('PATCH', `/api/connectors/${id}`, { body: { config: {} } })).status).toBe(200);
    }
    expect((await passline.request('GET', '/.well-known/jwks.json', { key: null })).body.keys[0].kid).toBe(signingKid);
    expect((await signInWithPassword(passline)).status).toBe(200);
    expect(await passline.keyRotation.startupNotes()).toEqual([]);
    await stop();
  });

  it('answers a clear 503 naming the missing key id, not a 500, when the key that wrote a value is gone', async () => {
    const passline = await start(strangerKey);

    const edited = await passline.request('PATCH', `/api/connectors/${twilioId}`, { body: { config: {} } });
    expect(edited.status).toBe(503);
    expect(edited.body.error).toMatchObject({ code: 'connector.secret_unreadable', details: { keyId: newKeyId } });
    expect(edited.body.error.message).toContain(`key id ${newKeyId}`);
    expect(edited.body.error.message).toContain('PASSLINE_ENCRYPTION_KEYS_PREVIOUS');
    expect(JSON.stringify(edited.body)).not.toContain(authToken);

    // Sending through a connector whose secrets are unreadable is the same clear error.
    await passline.request('POST', `/api/connectors/${twilioId}/activate`);
    const send = await passline.request('POST', '/api/verifications', { body: { to: freshPhone(), usage: 'SignIn' } });
    expect(send.status).toBe(503);
    expect(send.body.error.code).toBe('connector.secret_unreadable');

    // The published keys need no decryption; issuing a token does.
    expect((await passline.request('GET', '/.well-known/jwks.json', { key: null })).status).toBe(200);
    const signedIn = await signInWithPassword(passline);
    expect(signedIn.status).toBe(503);
    expect(signedIn.body.error).toMatchObject({ code: 'token.signing_key_unreadable', details: { keyId: newKeyId } });
    expect(signedIn.body.error.message).toContain('PASSLINE_ENCRYPTION_KEYS_PREVIOUS');

    // Rotation refuses, names what it cannot read, and changes nothing.
    const before = await sealedRows(passline);
    await expect(passline.keyRotation.rotate()).rejects.toThrow(
      new RegExp(`Nothing was changed: 3 stored values[\\s\\S]*key id ${newKeyId}, which is not configured`),
    );
    expect(await sealedRows(passline)).toEqual(before);
    await stop();
  });

  it('warns at start-up about stored values whose key is not configured', async () => {
    const lines: string[] = [];
    const logger = pino(
      { level: 'info' },
      new Writable({
        write(chunk, _encoding, done) {
          lines.push(String(chunk));
          done();
        },
      }),
    );
    const config = { ...database().config, encryptionKey: strangerKey, previousEncryptionKeys: [] };
    const passline = await startPassline(config, {
      logger,
      searchPath: database().searchPath,
    });
    await passline.close();
    const warnings = lines.map((line) => JSON.parse(line)).filter((line) => line.level === 40);
    expect(warnings.map((line) => line.msg).join('\n')).toContain(
      `Stored secrets were encrypted with key id ${newKeyId}, which is not configured (2 connector secrets, 1 token signing key)`,
    );
    // Still nothing secret in the log.
    expect(lines.join('')).not.toContain(authToken);
  });
});

describeEachEngine('verification codes while the key changes', (database: () => TestDatabase) => {
  it('checks a code issued under a previous key, and never one issued under a key that is gone', async () => {
    const oldKey = randomBytes(32);
    const freshPhone = phoneSequence('302');
    let passline = await startTestPassline(database(), { config: { encryptionKey: oldKey } });
    const devSms = await useDevSms(passline);
    await passline.request('PATCH', '/api/settings/verification', { body: { resendCooldownSeconds: 0 } });
    const issue = async () => {
      const to = freshPhone();
      const sent = await passline.request('POST', '/api/verifications', { body: { to, usage: 'SignIn' } });
      return { id: sent.body.id as string, code: await devSms.latestCode(to) };
    };
    const kept = await issue();
    const orphaned = await issue();
    await passline.close();

    passline = await startTestPassline(database(), {
      config: { encryptionKey: randomBytes(32), previousEncryptionKeys: [oldKey] },
    });
    const check = (code: { id: string; code: string }) =>
      passline.request('POST', `/api/verifications/${code.id}/check`, { body: { code: code.code } });
    expect((await check(kept)).body).toEqual({ id: kept.id, status: 'approved' });
    await passline.close();

    passline = await startTestPassline(database(), { config: { encryptionKey: randomBytes(32) } });
    const refused = await check(orphaned);
    expect(refused.body.error.code).toBe('verification.code_mismatch');
    await passline.close();
  });
});
