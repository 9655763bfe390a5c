import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { deriveKeys } from '../src/crypto/keys.ts';
import { sealedKeyId } from '../src/crypto/secret-box.ts';
import { phoneSequence, startTestPassline, type TestPassline, useDevSms } from './app.ts';
import { describeEachEngine } from './engines.ts';
import { sendSmsPayload, signedHookCall, supabaseSecret } from './integrations-helpers.ts';

// The Supabase hook secret through an encryption-key change: sealed under the old key, read with it
// as a previous key, re-encrypted by `keys rotate`, then read without it.
describeEachEngine('Supabase hook secret and encryption key rotation', (database) => {
  const oldKey = randomBytes(32);
  const newKey = randomBytes(32);
  const strangerKey = randomBytes(32);
  const oldKeyId = deriveKeys(oldKey).keyId;
  const newKeyId = deriveKeys(newKey).keyId;
  const secret = supabaseSecret();
  const freshPhone = phoneSequence('404');
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

  const storedSeal = async (passline: TestPassline) =>
    (
      await passline.storage.db
        .selectFrom('settings')
        .select('value')
        .where('key', 'like', '%supabase%')
        .executeTakeFirstOrThrow()
    ).value;
  const hookDelivers = async (passline: TestPassline) => {
    const phone = freshPhone();
    const call = signedHookCall(secret, sendSmsPayload(phone, '808080'));
    const answer = await passline.request('POST', '/api/integrations/supabase/send-sms', {
      key: null,
      rawBody: call.rawBody,
      headers: call.headers,
    });
    return answer;
  };

  beforeAll(async () => {
    const passline = await start(oldKey);
    await useDevSms(passline);
    const saved = await passline.request('PATCH', '/api/settings/integrations', {
      body: { supabase: { hookSecret: secret } },
    });
    expect(saved.status).toBe(200);
    expect(sealedKeyId(await storedSeal(passline))).toBe(oldKeyId);
    await stop();
  });

  it('keeps the hook working with the old key as a previous one, and keys rotate re-encrypts the secret', async () => {
    const passline = await start(newKey, [oldKey]);
    expect((await hookDelivers(passline)).body).toEqual({});

    const usage = await passline.keyRotation.usage();
    expect(usage.find((entry) => entry.keyId === oldKeyId)?.integrationSecrets).toBe(1);
    const notes = await passline.keyRotation.startupNotes();
    expect(notes.map((note) => note.message).join('\n')).toContain('1 integration hook secret');

    const first = await passline.keyRotation.rotate();
    expect(first.integrationSecrets).toEqual({ reencrypted: 1, alreadyCurrent: 0, changedMeanwhile: 0 });
    expect(sealedKeyId(await storedSeal(passline))).toBe(newKeyId);
    const second = await passline.keyRotation.rotate();
    expect(second.integrationSecrets).toEqual({ reencrypted: 0, alreadyCurrent: 1, changedMeanwhile: 0 });
    expect((await hookDelivers(passline)).body).toEqual({});
    await stop();
  });

  it('works without the old key after the rotation, and names the missing key otherwise', async () => {
    const passline = await start(newKey);
    expect((await hookDelivers(passline)).body).toEqual({});
    expect(JSON.stringify(await passline.request('GET', '/api/settings/integrations'))).not.toContain(
      secret.slice('v1,whsec_'.length),
    );
    await stop();

    const stranger = await start(strangerKey);
    const refused = await hookDelivers(stranger);
    expect(refused.status).toBe(503);
    expect(refused.body.error).toMatchObject({
      http_code: 503,
      code: 'integration.secret_unreadable',
      details: { keyId: newKeyId },
    });
    // keys rotate refuses too, naming the value, and changes nothing.
    await expect(stranger.keyRotation.rotate()).rejects.toThrow(/integration supabase-hook/);
    // Pasting the secret again is the way out.
    await stranger.request('PATCH', '/api/settings/integrations', { body: { supabase: { hookSecret: secret } } });
    expect(sealedKeyId(await storedSeal(stranger))).toBe(deriveKeys(strangerKey).keyId);
    await stop();
  });
});
